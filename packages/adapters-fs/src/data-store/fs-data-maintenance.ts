import type { ContentVerified, ObjectsCollected } from '@dotscience/core';
import { SweptStoreMaintenance } from '@dotscience/core/store-kit';
import type { FsDataStore } from './fs-data-store.js';

/** The upkeep of an fs data store: objects no referenced version reaches are swept, every object can be rehashed. */
export class FsDataMaintenance extends SweptStoreMaintenance<ObjectsCollected> {
  constructor(private readonly store: FsDataStore) {
    super(store, 'objects');
  }

  async verifyContent(): Promise<ContentVerified> {
    const { objectsChecked, bytesChecked, corrupt } = await this.store.verify();
    return { objectsChecked, bytesChecked, corrupt: [...corrupt] };
  }
}
