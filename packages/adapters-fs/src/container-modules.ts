import {
  CheckpointStore,
  Clock,
  CodeInspector,
  DataMaintenance,
  DataStore,
  Environment,
  EventStore,
  IdGenerator,
  ObjectStorage,
  ReceiptLedger,
  ReceiptSigner,
} from '@dotscience/core';
import { ContainerModule } from 'inversify';
import { FsCheckpointStore } from './checkpoint/index.js';
import { FsDataMaintenance, FsDataStore, type FsDataStoreOptions } from './data-store/index.js';
import { FsEventStore, type FsEventStoreOptions } from './event-store/index.js';
import { FsReceiptLedger, KeyFileReceiptSigner } from './receipts/index.js';
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

/**
 * How a module binds its adapter: unnamed, it is the deployment's port; named,
 * it is one of several the composition root combines (the fs store beside a ZFS
 * dataset, the git inspector a patch-recording one wraps), resolved by that name.
 */
export interface PortBinding {
  name?: string;
}

/** Binds `EventStore` to an `FsEventStore` in `directory` (e.g. `.dotscience/events`). */
export function fsEventStoreModule(directory: string, options: FsEventStoreOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<EventStore>(EventStore)
      .toDynamicValue(() => FsEventStore.open(directory, options))
      .inSingletonScope()
      .onDeactivation((store) => store.close());
  });
}

/**
 * Binds `DataStore` to an `FsDataStore` (e.g. `.dotscience/data`) and its
 * `DataMaintenance`; unnamed, the store is also the deployment's `ObjectStorage`.
 */
export function fsDataStoreModule(options: FsDataStoreOptions, binding: PortBinding = {}): ContainerModule {
  const { name } = binding;
  return new ContainerModule(({ bind }) => {
    const store = bind<FsDataStore>(DataStore)
      .toDynamicValue(() => new FsDataStore(options))
      .inSingletonScope();
    (name === undefined ? store : store.whenNamed(name)).onDeactivation((opened) => opened.close());
    bind<DataMaintenance>(DataMaintenance)
      .toResolvedValue((opened: FsDataStore) => new FsDataMaintenance(opened), [{ serviceIdentifier: DataStore, ...(name === undefined ? {} : { name }) }])
      .inSingletonScope();
    if (name === undefined) bind<ObjectStorage>(ObjectStorage).toService(DataStore);
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
  environment?: NodeEnvironmentOptions;
  /** Bind the Node `Environment` under this name (for a root that decorates it as the default). */
  environmentName?: string;
}

/** Binds `Clock`, `IdGenerator` and `Environment` to this machine's clock, UUID v7 ids and Node. */
export function workstationModule(options: WorkstationModuleOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<Clock>(Clock)
      .toDynamicValue(() => new SystemClock())
      .inSingletonScope();
    bind<IdGenerator>(IdGenerator)
      .toDynamicValue(() => new RandomIdGenerator())
      .inSingletonScope();
    const environment = bind<Environment>(Environment)
      .toDynamicValue(() => new NodeEnvironment(options.environment))
      .inSingletonScope();
    if (options.environmentName !== undefined) environment.whenNamed(options.environmentName);
  });
}

/** Binds `CodeInspector` to git in the working tree, within `options`' limits. */
export function gitCodeInspectorModule(options: GitCodeInspectorOptions = {}, binding: PortBinding = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    const inspector = bind<CodeInspector>(CodeInspector)
      .toDynamicValue(() => new GitCodeInspector(options))
      .inSingletonScope();
    if (binding.name !== undefined) inspector.whenNamed(binding.name);
  });
}

/** Binds `ReceiptLedger` to receipts kept as JSON lines in `directory` (one file per name). */
export function fsReceiptLedgerModule(directory: string, binding: PortBinding = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    const ledger = bind<ReceiptLedger>(ReceiptLedger)
      .toDynamicValue(() => new FsReceiptLedger(directory))
      .inSingletonScope();
    if (binding.name !== undefined) ledger.whenNamed(binding.name);
  });
}

/** Binds `ReceiptSigner` to the Ed25519 key in `keyFile`, made there (0600) on first resolution when there is none. */
export function keyFileReceiptSignerModule(keyFile: string, binding: PortBinding = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    const signer = bind<ReceiptSigner>(ReceiptSigner)
      .toDynamicValue(() => KeyFileReceiptSigner.fromKeyFile(keyFile))
      .inSingletonScope();
    if (binding.name !== undefined) signer.whenNamed(binding.name);
  });
}
