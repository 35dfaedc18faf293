import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  FsDataStore,
  GitCodeInspector,
  fsCheckpointStoreModule,
  fsDataStoreModule,
  fsEventStoreModule,
  workstationModule,
  type FsEventStoreOptions,
} from '@dotscience/adapters-fs';
import {
  CheckpointStore,
  Clock,
  CodeInspector,
  DataStore,
  Environment,
  EventStore,
  IdGenerator,
  type RunServices,
} from '@dotscience/core';
import { Container, ContainerModule } from 'inversify';
import { PatchRecordingCodeInspector } from './code-versions/index.js';
import { StoreNotFoundError } from './configuration/configuration-errors.js';
import { ensureGitIgnoresStore } from './configuration/store-git-ignore.js';
import { resolveConfiguration, type Configuration, type ResolveOptions } from './configuration/resolve-configuration.js';
import type { DataLocation, StoreLocation } from './configuration/storage-locations.js';
import { runsWereLeftOpen, settleRunsLeftOpen } from './annotations/runs-left-open.js';
import { PathRoutedDataStore } from './data-routing/index.js';
import { hubClientOptions } from './hub/hub-client-options.js';

/**
 * The composition root: the one place where ports are bound to adapters, chosen
 * from configuration (DESIGN §1, §7). Swapping a deployment's storage is a
 * configuration change, never a code change.
 *
 * The embedded fs adapters are imported statically; the hub, KurrentDB and ZFS
 * adapters are imported only when the configuration selects them, so the default
 * path never loads an HTTP client, gRPC or a native bridge (a fast `ds runs`
 * cold start, and SDK scripts that bundle without them).
 */

/** A module whose adapter package is imported when the container is loaded. */
function deferredModule(load: () => Promise<ContainerModule>): ContainerModule {
  return new ContainerModule(async (options) => (await load()).load(options));
}

export interface OpenOptions extends ResolveOptions {
  /** Open the event log without the writer lock (read commands, audits). */
  readOnly?: boolean;
  /** Wait for another process's writer lock instead of failing at once. */
  waitForLock?: boolean;
  /** Hash worker threads of the fs data store (default: one per core). */
  hashWorkers?: number;
  /**
   * Create an fs store that a setting names but that does not exist (ds init,
   * the target of ds migrate). Without it only the default ./.dotscience of a
   * directory with no configuration is created on first use; a configured path
   * that names no store is StoreNotFoundError (docs/decisions.md).
   */
  createStore?: boolean;
}

/** A store path set in the config file, the environment or an option must name a store that exists (a mistyped path is not created). */
export function refuseMissingConfiguredStore(configuration: Configuration): void {
  const { store, sources } = configuration;
  if (store.kind !== 'fs' || sources.store === 'default') return;
  if (!existsSync(join(store.directory, 'events'))) throw new StoreNotFoundError(store.directory, sources.store);
}

function eventStoreModule(store: StoreLocation, options: OpenOptions, configuration: Configuration): ContainerModule {
  switch (store.kind) {
    case 'fs': {
      const fsOptions: FsEventStoreOptions = { readOnly: options.readOnly ?? false, ...(options.waitForLock ? { lock: { wait: true } } : {}) };
      return fsEventStoreModule(join(store.directory, 'events'), fsOptions);
    }
    case 'hub':
      return deferredModule(async () => (await import('@dotscience/adapters-http')).hubEventStoreModule(hubClientOptions(store.url, configuration)));
    case 'kurrentdb':
      return deferredModule(async () => (await import('@dotscience/adapters-eventstore')).eventStoreDbModule(store.connectionString));
  }
}

function dataStoreModule(data: DataLocation, options: OpenOptions, configuration: Configuration): ContainerModule {
  switch (data.kind) {
    case 'fs':
      return fsDataStoreModule({ directory: data.directory, ...(options.hashWorkers === undefined ? {} : { workers: options.hashWorkers }) });
    case 'zfs':
      return zfsWithFsDataModule(data.dataset, options, configuration);
    case 'hub':
      return deferredModule(async () => (await import('@dotscience/adapters-http')).hubDataStoreModule(hubClientOptions(data.url, configuration)));
  }
}

/**
 * `zfs:pool/dataset`: paths on that dataset (or a dataset below it) are versioned
 * by ZFS snapshots, every other path by the fs store next to the log (mixing per
 * path prefix: the prefixes are the datasets' mountpoints, read at each capture).
 */
function zfsWithFsDataModule(dataset: string, options: OpenOptions, configuration: Configuration): ContainerModule {
  const smallData = join(dirname(configuration.checkpointsDirectory), 'data');
  return new ContainerModule(({ bind }) => {
    bind<PathRoutedDataStore>(DataStore)
      .toDynamicValue(async () => {
        const { ZfsDataStore } = await import('@dotscience/adapters-zfs');
        const zfs = new ZfsDataStore({ dataset, onWarning: (warning) => process.stderr.write(`ds: warning: ${warning.message}\n`) });
        await zfs.open();
        const fs = new FsDataStore({ directory: smallData, ...(options.hashWorkers === undefined ? {} : { workers: options.hashWorkers }) });
        return new PathRoutedDataStore([{ store: zfs, holds: (path) => zfs.holds(path) }], fs);
      })
      .inSingletonScope()
      .onDeactivation((store) => store.close());
  });
}

/**
 * CodeInspector: git within the configured limits, with a dirty tree's patch stored through
 * the DataStore (replaces the workstation's plain git inspector). Local store and data
 * directories are data, never code.
 */
function codeInspectorModule(configuration: Configuration): ContainerModule {
  const { maxUntrackedFileBytes, maxUntrackedBytes, gitTimeoutMs, gitTimeoutSetting } = configuration.codeInspection;
  const git = { maxUntrackedFileBytes, maxUntrackedBytes, timeoutMs: gitTimeoutMs, timeoutSetting: gitTimeoutSetting };
  const stores = [configuration.store, configuration.data].flatMap((location) => (location.kind === 'fs' ? [location.directory] : []));
  return new ContainerModule(({ rebind }) => {
    rebind<CodeInspector>(CodeInspector)
      .toResolvedValue((data: DataStore) => new PatchRecordingCodeInspector(new GitCodeInspector(git), data, { exclude: stores }), [DataStore])
      .inSingletonScope();
  });
}

/** A container with every port bound as `configuration` says. Nothing is opened until resolved. */
export async function createContainer(configuration: Configuration, options: OpenOptions = {}): Promise<Container> {
  const container = new Container();
  await container.loadAsync(
    eventStoreModule(configuration.store, options, configuration),
    dataStoreModule(configuration.data, options, configuration),
    fsCheckpointStoreModule(configuration.checkpointsDirectory),
    workstationModule(),
    codeInspectorModule(configuration),
  );
  return container;
}

/** The opened ports of one configuration; `close()` releases locks, files and workers. */
export interface Dotscience extends RunServices {
  readonly configuration: Configuration;
  readonly container: Container;
  readonly checkpoints: CheckpointStore;
  close(): Promise<void>;
}

/**
 * Runs that SDK processes left open are recorded by the next opener that can
 * write: a reader finding some opens for writing a moment first (unless another
 * process holds the writer lock: that one settles them), so `ds runs` right after
 * a script called process.exit() shows its run.
 */
async function settleBeforeReading(options: OpenOptions): Promise<void> {
  try {
    const writer = await openDotscience({ ...options, readOnly: false, waitForLock: false });
    await writer.close();
  } catch {
    // Locked by a writer (which settles them), or not writable from here: read what is there.
  }
}

/**
 * Resolve the configuration, bind the adapters and open the stores. A writer
 * first records the end of the runs SDK processes left open (settleRunsLeftOpen).
 */
export async function openDotscience(options: OpenOptions = {}): Promise<Dotscience> {
  const configuration = resolveConfiguration(options);
  if (!options.createStore) refuseMissingConfiguredStore(configuration);
  if (options.readOnly && runsWereLeftOpen(configuration.openRunsDirectory, configuration.store)) await settleBeforeReading(options);
  const container = await createContainer(configuration, options);
  try {
    // Data first: a data store that checks its backing (the ZFS pool) fails before the event log creates anything.
    const data = await container.getAsync<DataStore>(DataStore);
    const events = await container.getAsync<EventStore>(EventStore);
    if (!options.readOnly) {
      if (configuration.store.kind === 'fs') await ensureGitIgnoresStore(configuration.store.directory);
      if (configuration.data.kind === 'fs') await ensureGitIgnoresStore(configuration.data.directory);
    }
    let closed: Promise<void> | undefined;
    const ds: Dotscience = {
      configuration,
      container,
      events,
      data,
      checkpoints: container.get<CheckpointStore>(CheckpointStore),
      clock: container.get<Clock>(Clock),
      ids: container.get<IdGenerator>(IdGenerator),
      code: container.get<CodeInspector>(CodeInspector),
      environment: container.get<Environment>(Environment),
      // The hub is the shared store: the versions written through it are numbered by it (D230).
      numbersVersions: configuration.store.kind === 'hub' ? 'hub' : 'local',
      close: () => (closed ??= container.unbindAllAsync()),
    };
    if (!options.readOnly) await settleRunsLeftOpen(ds);
    return ds;
  } catch (err) {
    await container.unbindAllAsync().catch(() => undefined);
    throw err;
  }
}
