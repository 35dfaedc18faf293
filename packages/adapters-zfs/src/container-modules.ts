import { DataStore } from '@dotscience/core';
import { ContainerModule } from 'inversify';
import { ZfsDataStore, type ZfsDataStoreOptions } from './zfs-data-store.js';

/**
 * Binds `DataStore` to a `ZfsDataStore` on `options.dataset`. The store checks
 * the pool and dataset on first use (resolve it with `container.getAsync`).
 */
export function zfsDataStoreModule(options: ZfsDataStoreOptions): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<ZfsDataStore>(DataStore)
      .toDynamicValue(async () => {
        const store = new ZfsDataStore(options);
        await store.open();
        return store;
      })
      .inSingletonScope()
      .onDeactivation((store) => store.close());
  });
}
