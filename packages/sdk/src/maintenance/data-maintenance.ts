import type { GarbageCollected, SnapshotsCollected, VersionRef } from '@dotscience/core';
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
  /** The ZFS part, when ZFS data is configured: snapshots and clones dotscience made that no event needs. */
  zfs?: Omit<SnapshotsCollected, 'holds'> & { versionsReferenced: number };
}

export interface DataVerifyReport {
  objectsChecked: number;
  bytesChecked: number;
  corrupt: Array<{ digest: string; path: string; actual: string }>;
}

const NOTHING_COLLECTED = { objectsKept: 0, objectsRemoved: 0, bytesFreed: 0, tempFilesRemoved: 0 };

/**
 * Delete the data objects no recorded event refers to (`ds gc`): each data store's
 * upkeep (its DataMaintenance) is given the versions of its kind. Open the
 * Dotscience read-write: the writer lock keeps SDK processes from capturing
 * while objects are swept.
 */
export async function collectUnreferencedData(ds: Dotscience, options: { dryRun?: boolean } = {}): Promise<DataGcReport> {
  if (ds.maintenance.length === 0) throw new MaintenanceUnsupportedError('gc', ds.data.kind);
  const all = await referencedVersions(ds.events);
  const dryRun = options.dryRun ?? false;
  const collected: Array<{ referenced: VersionRef[]; result: GarbageCollected }> = [];
  for (const upkeep of ds.maintenance) {
    const referenced = all.filter((ref) => ref.store === upkeep.kind);
    collected.push({ referenced, result: await upkeep.collectGarbage(referenced, { dryRun }) });
  }
  const objects = collected.find((c) => c.result.holds === 'objects');
  const snapshots = collected.find((c) => c.result.holds === 'snapshots');
  const { holds: _objects, ...objectsResult } = objects?.result.holds === 'objects' ? objects.result : { holds: 'objects', ...NOTHING_COLLECTED };
  const report: DataGcReport = { dryRun, versionsReferenced: objects?.referenced.length ?? 0, ...objectsResult };
  if (snapshots?.result.holds === 'snapshots') {
    const { holds: _snapshots, ...snapshotsResult } = snapshots.result;
    report.zfs = { versionsReferenced: snapshots.referenced.length, ...snapshotsResult };
  }
  return report;
}

/** Rehash every stored data object; report those whose bytes no longer match their digest. */
export async function verifyDataObjects(ds: Dotscience): Promise<DataVerifyReport> {
  for (const upkeep of ds.maintenance) {
    const result = await upkeep.verifyContent();
    if (result !== undefined) return { objectsChecked: result.objectsChecked, bytesChecked: result.bytesChecked, corrupt: [...result.corrupt] };
  }
  throw new MaintenanceUnsupportedError('data verification', ds.data.kind);
}
