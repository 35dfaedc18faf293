import { CheckpointStore, Clock, CodeInspector, DataStore, Environment, EventStore, IdGenerator } from '@dotscience/core';
import { ContainerModule } from 'inversify';
import { FsCheckpointStore } from './checkpoint/index.js';
import { FsDataStore, type FsDataStoreOptions } from './data-store/index.js';
import { FsEventStore, type FsEventStoreOptions } from './event-store/index.js';
import {
  GitCodeInspector,
  NodeEnvironment,
  RandomIdGenerator,
  SystemClock,
  type GitCodeInspectorOptions,
  type NodeEnvironmentOptions,
} from './workstation/index.js';

/**
 * The inversify modules of the embedded default, one per port so that a
 * deployment can mix (fs events with ZFS data, fs data with a hub's events…).
 * Stores are singletons opened on first resolution (`container.getAsync`) and
 * closed when the container is unbound (`container.unbindAllAsync()`).
 */

/** Binds `EventStore` to an `FsEventStore` in `directory` (e.g. `.dotscience/events`). */
export function fsEventStoreModule(directory: string, options: FsEventStoreOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<EventStore>(EventStore)
      .toDynamicValue(() => FsEventStore.open(directory, options))
      .inSingletonScope()
      .onDeactivation((store) => store.close());
  });
}

/** Binds `DataStore` to an `FsDataStore` (e.g. `.dotscience/data`). */
export function fsDataStoreModule(options: FsDataStoreOptions): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<FsDataStore>(DataStore)
      .toDynamicValue(() => new FsDataStore(options))
      .inSingletonScope()
      .onDeactivation((store) => store.close());
  });
}

/** Binds `CheckpointStore` to projection checkpoints kept as files in `directory`. */
export function fsCheckpointStoreModule(directory: string): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<CheckpointStore>(CheckpointStore)
      .toDynamicValue(() => new FsCheckpointStore(directory))
      .inSingletonScope();
  });
}

export interface WorkstationModuleOptions {
  git?: GitCodeInspectorOptions;
  environment?: NodeEnvironmentOptions;
}

/** Binds `Clock`, `IdGenerator`, `CodeInspector` and `Environment` to this machine's clock, UUID v7 ids, git and Node. */
export function workstationModule(options: WorkstationModuleOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<Clock>(Clock).toDynamicValue(() => new SystemClock()).inSingletonScope();
    bind<IdGenerator>(IdGenerator).toDynamicValue(() => new RandomIdGenerator()).inSingletonScope();
    bind<CodeInspector>(CodeInspector).toDynamicValue(() => new GitCodeInspector(options.git)).inSingletonScope();
    bind<Environment>(Environment).toDynamicValue(() => new NodeEnvironment(options.environment)).inSingletonScope();
  });
}
