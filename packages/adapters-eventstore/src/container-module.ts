import { EventStore } from '@dotscience/core';
import { ContainerModule } from 'inversify';
import { EventStoreDbEventStore, type EventStoreDbOptions } from './eventstoredb-event-store.js';

/** Binds `EventStore` to an `EventStoreDbEventStore` on `connectionString` (`kurrentdb://…` or `esdb://…`), closed when unbound. */
export function eventStoreDbModule(connectionString: string, options: EventStoreDbOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<EventStore>(EventStore)
      .toDynamicValue(() => EventStoreDbEventStore.connect(connectionString, options))
      .inSingletonScope()
      .onDeactivation((store) => store.close());
  });
}
