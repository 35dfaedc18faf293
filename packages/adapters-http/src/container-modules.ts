import { DataStore, EventStore, ObjectStorage } from '@dotscience/core';
import { ContainerModule } from 'inversify';
import { HttpDataStore } from './client/http-data-store.js';
import { HttpEventStore } from './client/http-event-store.js';
import type { HubClientOptions } from './client/hub-connection.js';

/** Binds `EventStore` to a hub's event log (`HttpEventStore`), opened on first resolution, closed on unbind. */
export function hubEventStoreModule(options: HubClientOptions): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<EventStore>(EventStore)
      .toDynamicValue(() => new HttpEventStore(options))
      .inSingletonScope()
      .onDeactivation((store) => store.close());
  });
}

/** Binds `DataStore` to a hub's data objects (`HttpDataStore`), which is also the deployment's `ObjectStorage`. */
export function hubDataStoreModule(options: HubClientOptions): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<DataStore>(DataStore)
      .toDynamicValue(() => new HttpDataStore(options))
      .inSingletonScope();
    bind<ObjectStorage>(ObjectStorage).toService(DataStore);
  });
}
