import { DataStore, EventStore, ObjectStorage } from '@dotscience/core';
import { ContainerModule } from 'inversify';
import { HttpDataStore } from './client/http-data-store.js';
import { HttpEventStore } from './client/http-event-store.js';
import type { HubClientOptions } from './client/hub-connection.js';
import { HubServer, type HubServerOptions } from './server/hub-server.js';

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

/** Builds a hub server over the stores and tokens the composition root chose. */
export type HubServerFactory = (options: HubServerOptions) => HubServer;
export const HubServerFactory = Symbol.for('dotscience.HubServerFactory');

/** Binds `HubServerFactory`: the http adapter's serving side. */
export function hubServerModule(): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<HubServerFactory>(HubServerFactory).toConstantValue((options) => new HubServer(options));
  });
}
