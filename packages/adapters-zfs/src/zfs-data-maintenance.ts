import type { DataMaintenance, GarbageCollected, GarbageCollectionOptions, VersionRef } from '@dotscience/core';
import type { ZfsDataStore } from './zfs-data-store.js';

/** The upkeep of a ZFS data store: snapshots and clones dotscience made that no referenced version needs are destroyed. */
export class ZfsDataMaintenance implements DataMaintenance {
  constructor(private readonly store: ZfsDataStore) {}

  get kind(): string {
    return this.store.kind;
  }

  async collectGarbage(referenced: readonly VersionRef[], options: GarbageCollectionOptions = {}): Promise<GarbageCollected> {
    return { holds: 'snapshots', ...(await this.store.gc(referenced, { dryRun: options.dryRun ?? false })) };
  }

  /** The pool checksums every block itself (`zpool scrub`): there is no content of dotscience's own to rehash. */
  async verifyContent(): Promise<undefined> {
    return undefined;
  }
}
