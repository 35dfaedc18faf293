import { DataMaintenance, DataStore } from '@dotscience/core';
import { ContainerModule } from 'inversify';
import { ZfsDataMaintenance } from './zfs-data-maintenance.js';
import { ZfsDataStore, type ZfsDataStoreOptions } from './zfs-data-store.js';

/**
 * Binds `DataStore` to a `ZfsDataStore` on `options.dataset`, and its
 * `DataMaintenance`. The store checks the pool and dataset on first use (resolve
 * it with `container.getAsync`). Named (`binding.name`), it is one store of a
 * per-path mix the composition root builds, resolved by that name.
 */
export function zfsDataStoreModule(options: ZfsDataStoreOptions, binding: { name?: string } = {}): ContainerModule {
  const { name } = binding;
  return new ContainerModule(({ bind }) => {
    const store = bind<ZfsDataStore>(DataStore)
      .toDynamicValue(async () => {
        const opened = new ZfsDataStore(options);
        await opened.open();
        return opened;
      })
      .inSingletonScope();
    (name === undefined ? store : store.whenNamed(name)).onDeactivation((opened) => opened.close());
    bind<DataMaintenance>(DataMaintenance)
      .toResolvedValue((opened: ZfsDataStore) => new ZfsDataMaintenance(opened), [{ serviceIdentifier: DataStore, ...(name === undefined ? {} : { name }) }])
      .inSingletonScope();
  });
}
