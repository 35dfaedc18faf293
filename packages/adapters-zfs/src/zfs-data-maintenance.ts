import type { SnapshotsCollected } from '@dotscience/core';
import { SweptStoreMaintenance } from '@dotscience/core/store-kit';
import type { ZfsDataStore } from './zfs-data-store.js';

/** The upkeep of a ZFS data store: snapshots and clones dotscience made that no referenced version needs are destroyed. */
export class ZfsDataMaintenance extends SweptStoreMaintenance<SnapshotsCollected> {
  constructor(store: ZfsDataStore) {
    super(store, 'snapshots');
  }

  /** The pool checksums every block itself (`zpool scrub`): there is no content of dotscience's own to rehash. */
  async verifyContent(): Promise<undefined> {
    return undefined;
  }
}
