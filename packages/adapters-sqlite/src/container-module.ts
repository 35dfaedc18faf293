import { EventStore, RunReadModel } from '@dotscience/core';
import { ContainerModule } from 'inversify';
import { SqliteRunReadModel } from './sqlite-run-read-model.js';

/** Binds `RunReadModel` to the runs read model in the SQLite file `file` (e.g. `.dotscience/read-model.sqlite`), fed by the bound EventStore. */
export function sqliteRunReadModelModule(file: string): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<RunReadModel>(RunReadModel)
      .toResolvedValue((events: EventStore) => SqliteRunReadModel.open({ file, events }), [EventStore])
      .inSingletonScope()
      .onDeactivation((model) => model.close());
  });
}
