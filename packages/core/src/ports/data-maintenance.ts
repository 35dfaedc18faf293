import type { VersionRef } from '../events/catalogue.js';

export interface GarbageCollectionOptions {
  /** Count what would be removed and remove nothing. */
  dryRun?: boolean;
}

/** What a store of content objects (the fs store) removed — or, in a dry run, would remove. */
export interface ObjectsCollected {
  holds: 'objects';
  /** Objects kept because a referenced version reaches them. */
  objectsKept: number;
  objectsRemoved: number;
  bytesFreed: number;
  /** Temp files left by interrupted captures. */
  tempFilesRemoved: number;
}

/** What a store of snapshots (ZFS) destroyed — or, in a dry run, would destroy. */
export interface SnapshotsCollected {
  holds: 'snapshots';
  /** Snapshots dotscience took that some ref still needs. */
  snapshotsKept: number;
  snapshotsRemoved: string[];
  clonesRemoved: string[];
  /** Unreferenced snapshots kept because a clone dotscience did not make depends on them. */
  snapshotsPinned: string[];
}

export type GarbageCollected = ObjectsCollected | SnapshotsCollected;

/** A stored object whose bytes no longer hash to its name. */
export interface CorruptObject {
  digest: string;
  /** Where it lies, to inspect or remove it. */
  path: string;
  /** The digest its bytes have now. */
  actual: string;
}

export interface ContentVerified {
  objectsChecked: number;
  bytesChecked: number;
  corrupt: CorruptObject[];
}

/**
 * The upkeep of one data store (`ds gc`, `ds audit --data`): every store that can
 * remove what no event needs is bound to this token, one binding per store of a
 * deployment (a ZFS dataset and the fs store beside it give two). The
 * `dataMaintenanceContract` suite in `@dotscience/core/testing` checks every implementation.
 */
export interface DataMaintenance {
  /** The `store` of the versions it keeps (its DataStore's `kind`). */
  readonly kind: string;
  /**
   * Remove what none of `referenced` needs. Refs of other stores are the caller's
   * to leave out. Must not run while another process captures into the store.
   */
  collectGarbage(referenced: readonly VersionRef[], options?: GarbageCollectionOptions): Promise<GarbageCollected>;
  /**
   * Rehash the stored content and report what no longer matches; `undefined` when
   * the store has no content of its own to check (ZFS checksums its blocks itself: `zpool scrub`).
   */
  verifyContent(): Promise<ContentVerified | undefined>;
}

export const DataMaintenance = Symbol.for('dotscience.DataMaintenance');
