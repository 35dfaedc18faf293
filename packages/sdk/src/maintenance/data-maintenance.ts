import { FsDataStore } from '@dotscience/adapters-fs';
import { DataStore } from '@dotscience/core';
import type { Dotscience } from '../composition-root.js';
import { MaintenanceUnsupportedError } from './maintenance-errors.js';
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
}

export interface DataVerifyReport {
  objectsChecked: number;
  bytesChecked: number;
  corrupt: Array<{ digest: string; path: string; actual: string }>;
}

/** The data store bound in the container, when it is the embedded fs store (the one with gc and verify). */
function fsDataStoreOf(ds: Dotscience, operation: string): FsDataStore {
  const store = ds.container.get<DataStore>(DataStore);
  if (!(store instanceof FsDataStore)) throw new MaintenanceUnsupportedError(operation, store.kind);
  return store;
}

/**
 * Delete the data objects no recorded event refers to (`ds gc`). Open the
 * Dotscience read-write: the writer lock keeps SDK processes from capturing
 * while objects are swept.
 */
export async function collectUnreferencedData(ds: Dotscience, options: { dryRun?: boolean } = {}): Promise<DataGcReport> {
  const store = fsDataStoreOf(ds, 'gc');
  const referenced = (await referencedVersions(ds.events)).filter((ref) => ref.store === store.kind);
  const dryRun = options.dryRun ?? false;
  const result = await store.gc(referenced, { dryRun });
  return { dryRun, versionsReferenced: referenced.length, ...result };
}

/** Rehash every stored data object; report those whose bytes no longer match their digest. */
export async function verifyDataObjects(ds: Dotscience): Promise<DataVerifyReport> {
  const result = await fsDataStoreOf(ds, 'data verification').verify();
  return { objectsChecked: result.objectsChecked, bytesChecked: result.bytesChecked, corrupt: [...result.corrupt] };
}
