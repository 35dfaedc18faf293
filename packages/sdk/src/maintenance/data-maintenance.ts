import { FsDataStore } from '@dotscience/adapters-fs';
import type { ZfsDataStore, ZfsGcResult } from '@dotscience/adapters-zfs';
import { DataStore } from '@dotscience/core';
import type { Dotscience } from '../composition-root.js';
import { MaintenanceUnsupportedError } from './maintenance-errors.js';
import { dataStoresOf } from './referenced-data-presence.js';
import { referencedVersions } from './referenced-versions.js';

export interface DataGcReport {
  dryRun: boolean;
  /** Versions the events refer to (of this data store). */
  versionsReferenced: number;
  objectsKept: number;
  /** Removed — or, in a dry run, that would be removed. */
  objectsRemoved: number;
  bytesFreed: number;
  tempFilesRemoved: number;
  /** The ZFS part, when ZFS data is configured: snapshots and clones dotscience made that no event needs. */
  zfs?: ZfsGcResult & { versionsReferenced: number };
}

export interface DataVerifyReport {
  objectsChecked: number;
  bytesChecked: number;
  corrupt: Array<{ digest: string; path: string; actual: string }>;
}

/** The embedded fs store among the bound stores (the one with object gc and verify). */
function fsDataStoreOf(ds: Dotscience, operation: string): FsDataStore {
  const store = dataStoresOf(ds).find((s) => s instanceof FsDataStore);
  if (store === undefined) throw new MaintenanceUnsupportedError(operation, ds.container.get<DataStore>(DataStore).kind);
  return store;
}

/**
 * Delete the data objects no recorded event refers to (`ds gc`). Open the
 * Dotscience read-write: the writer lock keeps SDK processes from capturing
 * while objects are swept.
 */
export async function collectUnreferencedData(ds: Dotscience, options: { dryRun?: boolean } = {}): Promise<DataGcReport> {
  const stores = dataStoresOf(ds);
  const fs = stores.find((s) => s instanceof FsDataStore);
  // By kind, not instanceof: the ZFS adapter is only loaded when the configuration selects it.
  const zfs = stores.find((s): s is ZfsDataStore => s.kind === 'zfs' && typeof (s as Partial<ZfsDataStore>).gc === 'function');
  if (fs === undefined && zfs === undefined) throw new MaintenanceUnsupportedError('gc', stores[0]!.kind);
  const all = await referencedVersions(ds.events);
  const dryRun = options.dryRun ?? false;
  const referenced = all.filter((ref) => ref.store === fs?.kind);
  const fsResult = fs ? await fs.gc(referenced, { dryRun }) : { objectsKept: 0, objectsRemoved: 0, bytesFreed: 0, tempFilesRemoved: 0 };
  const report: DataGcReport = { dryRun, versionsReferenced: referenced.length, ...fsResult };
  if (zfs) {
    const zfsReferenced = all.filter((ref) => ref.store === zfs.kind);
    report.zfs = { versionsReferenced: zfsReferenced.length, ...(await zfs.gc(zfsReferenced, { dryRun })) };
  }
  return report;
}

/** Rehash every stored data object; report those whose bytes no longer match their digest. */
export async function verifyDataObjects(ds: Dotscience): Promise<DataVerifyReport> {
  const result = await fsDataStoreOf(ds, 'data verification').verify();
  return { objectsChecked: result.objectsChecked, bytesChecked: result.bytesChecked, corrupt: [...result.corrupt] };
}
