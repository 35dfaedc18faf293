import type { ContentVerified, DataMaintenance, GarbageCollected, GarbageCollectionOptions, VersionRef } from '@dotscience/core';
import type { FsDataStore } from './fs-data-store.js';

/** The upkeep of an fs data store: objects no referenced version reaches are swept, every object can be rehashed. */
export class FsDataMaintenance implements DataMaintenance {
  constructor(private readonly store: FsDataStore) {}

  get kind(): string {
    return this.store.kind;
  }

  async collectGarbage(referenced: readonly VersionRef[], options: GarbageCollectionOptions = {}): Promise<GarbageCollected> {
    return { holds: 'objects', ...(await this.store.gc(referenced, { dryRun: options.dryRun ?? false })) };
  }

  async verifyContent(): Promise<ContentVerified> {
    const { objectsChecked, bytesChecked, corrupt } = await this.store.verify();
    return { objectsChecked, bytesChecked, corrupt: [...corrupt] };
  }
}
