import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  FsDataStore,
  FsEventStore,
  fsCheckpointStoreModule,
  fsDataStoreModule,
  fsEventStoreModule,
  fsReceiptLedgerModule,
  gitCodeInspectorModule,
  keyFileReceiptSignerModule,
  workstationModule,
  type FsEventStoreOptions,
  type GitCodeInspector,
} from '@dotscience/adapters-fs';
import type {
  HubReceipts,
  HubServer,
  HubServerFactory,
  ProjectDirectories,
  ProjectReadModels,
  ProjectStoreProvider,
  TokenRegistry,
} from '@dotscience/adapters-http';
import type { ZfsDataStore } from '@dotscience/adapters-zfs';
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
  RunReadModel,
  ProvenanceReadModel,
  type RunServices,
} from '@dotscience/core';
import type { SqliteRunReadModel } from '@dotscience/adapters-sqlite';
import { Container, ContainerModule } from 'inversify';
import { PatchRecordingCodeInspector } from './code-versions/patch-recording-code-inspector.js';
import { ScriptSnapshotCodeInspector } from './code-versions/script-snapshot-code-inspector.js';
import { ManifestRecordingEnvironment } from './environment/index.js';
import { StoreNotFoundError } from './configuration/configuration-errors.js';
import { ensureGitIgnoresStore } from './configuration/store-git-ignore.js';
import { resolveConfiguration, type Configuration, type ResolveOptions } from './configuration/resolve-configuration.js';
import type { DataLocation, StoreLocation } from './configuration/storage-locations.js';
import { runsWereLeftOpen } from './annotations/open-run-notes.js';
import { PathRoutedDataStore } from './data-routing/path-routed-data-store.js';
import { hubClientOptions } from './hub/hub-client-options.js';
import { localFolderOf } from './hub/kept-receipts.js';

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
      return fsDataStoreModule({ directory: data.directory, ...hashWorkersOf(options) });
    case 'zfs':
      return zfsWithFsDataModule(data.dataset, options, configuration);
    case 'hub':
      return deferredModule(async () => (await import('@dotscience/adapters-http')).hubDataStoreModule(hubClientOptions(data.url, configuration)));
  }
}

/** The names the stores of a per-path mix are bound under. */
const ZFS_ROUTE = 'zfs';
const FS_BESIDE_ZFS = 'fs-beside-zfs';

/**
 * `zfs:pool/dataset`: paths on that dataset (or a dataset below it) are versioned
 * by ZFS snapshots, every other path by the fs store next to the log (mixing per
 * path prefix: the prefixes are the datasets' mountpoints, read at each capture).
 * Each store is bound by its adapter's module under a name, with its DataMaintenance;
 * the mix is the DataStore. The mix hands out no objects (no ObjectStorage).
 */
function zfsWithFsDataModule(dataset: string, options: OpenOptions, configuration: Configuration): ContainerModule {
  const smallData = join(dirname(configuration.checkpointsDirectory), 'data');
  const zfs = deferredModule(async () =>
    (await import('@dotscience/adapters-zfs')).zfsDataStoreModule(
      { dataset, onWarning: (warning) => process.stderr.write(`ds: warning: ${warning.message}\n`) },
      { name: ZFS_ROUTE },
    ),
  );
  const fs = fsDataStoreModule({ directory: smallData, ...hashWorkersOf(options) }, { name: FS_BESIDE_ZFS });
  const mix = new ContainerModule(({ bind }) => {
    bind<PathRoutedDataStore>(DataStore)
      .toResolvedValue(
        (zfsStore: ZfsDataStore, fsStore: FsDataStore) => new PathRoutedDataStore([{ store: zfsStore, holds: (path) => zfsStore.holds(path) }], fsStore),
        [
          { serviceIdentifier: DataStore, name: ZFS_ROUTE },
          { serviceIdentifier: DataStore, name: FS_BESIDE_ZFS },
        ],
      )
      .inSingletonScope()
      .whenDefault();
  });
  return new ContainerModule(async (loading) => {
    for (const module of [fs, zfs, mix]) await module.load(loading);
  });
}

const hashWorkersOf = (options: OpenOptions): { workers?: number } => (options.hashWorkers === undefined ? {} : { workers: options.hashWorkers });

/** The name the plain git inspector is bound under, for the patch-recording one to wrap. */
const PLAIN_GIT = 'git';

/**
 * CodeInspector: git within the configured limits, with a dirty tree's patch stored through
 * the DataStore. Local store and data directories are data, never code.
 */
function codeInspectorModule(configuration: Configuration): ContainerModule {
  const { maxUntrackedFileBytes, maxUntrackedBytes, gitTimeoutMs, gitTimeoutSetting } = configuration.codeInspection;
  const git = { maxUntrackedFileBytes, maxUntrackedBytes, timeoutMs: gitTimeoutMs, timeoutSetting: gitTimeoutSetting };
  const stores = [configuration.store, configuration.data].flatMap((location) => (location.kind === 'fs' ? [location.directory] : []));
  const patchRecording = new ContainerModule(({ bind }) => {
    bind<CodeInspector>(CodeInspector)
      .toResolvedValue(
        (plain: GitCodeInspector, data: DataStore) => new ScriptSnapshotCodeInspector(new PatchRecordingCodeInspector(plain, data, { exclude: stores }), data),
        [{ serviceIdentifier: CodeInspector, name: PLAIN_GIT }, DataStore],
      )
      .inSingletonScope()
      .whenDefault();
  });
  return new ContainerModule(async (loading) => {
    for (const module of [gitCodeInspectorModule(git, { name: PLAIN_GIT }), patchRecording]) await module.load(loading);
  });
}

/**
 * The plain git inspector with no size limit, nothing stored (`ds reproduce`
 * checks a restored tree's diff digest with it).
 */
export async function unlimitedCodeInspector(): Promise<CodeInspector> {
  const container = new Container();
  await container.loadAsync(gitCodeInspectorModule({ maxUntrackedFileBytes: Number.POSITIVE_INFINITY, maxUntrackedBytes: Number.POSITIVE_INFINITY }));
  return container.get<CodeInspector>(CodeInspector);
}

/** The runs read model's file, beside the projections' checkpoints (`.dotscience/read-model.sqlite`). */
export const READ_MODEL_FILE = 'read-model.sqlite';

/**
 * RunReadModel: the runs projection in SQLite, fed by the bound EventStore. The
 * adapter (and its native module) is imported when a read command resolves it,
 * never by a script that only records runs.
 */
function runReadModelModule(configuration: Configuration): ContainerModule {
  const file = join(dirname(configuration.checkpointsDirectory), READ_MODEL_FILE);
  return new ContainerModule(({ bind }) => {
    bind<RunReadModel>(RunReadModel)
      .toDynamicValue(async (context) => {
        const { SqliteRunReadModel } = await import('@dotscience/adapters-sqlite');
        return SqliteRunReadModel.open({ file, events: await context.getAsync<EventStore>(EventStore) });
      })
      .inSingletonScope()
      .onDeactivation((model) => model.close());
    // The datasets, models and lineage live in the same file, under a checkpoint of their own (D118, D142).
    bind<ProvenanceReadModel>(ProvenanceReadModel)
      .toDynamicValue(async (context) => (await context.getAsync<SqliteRunReadModel>(RunReadModel)).provenance)
      .inSingletonScope();
  });
}

const PLAIN_ENVIRONMENT = 'node';

/** Environment: this machine and the workload's runtime, with the project's dependency manifests stored through the DataStore. */
function environmentModule(): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<Environment>(Environment)
      .toResolvedValue(
        (plain: Environment, data: DataStore) => new ManifestRecordingEnvironment(plain, data),
        [{ serviceIdentifier: Environment, name: PLAIN_ENVIRONMENT }, DataStore],
      )
      .inSingletonScope()
      .whenDefault();
  });
}

/** The key `ds audit anchor` signs a local store's head with, in the store's folder (made 0600 on first use). */
export const ANCHOR_SIGNING_KEY_FILE = 'anchor-signing-key.pem';

/**
 * ReceiptLedger: the receipts hubs signed for this store's pushes, kept in its folder
 * (`receipts/<hub project>.ndjson`); ReceiptSigner: the key that anchors its head.
 */
function localReceiptsModules(configuration: Configuration): ContainerModule[] {
  const folder = localFolderOf(configuration);
  return [fsReceiptLedgerModule(join(folder, 'receipts')), keyFileReceiptSignerModule(join(folder, ANCHOR_SIGNING_KEY_FILE))];
}

/** A container with every port bound as `configuration` says. Nothing is opened until resolved. */
async function createContainer(configuration: Configuration, options: OpenOptions = {}): Promise<Container> {
  const container = new Container();
  await container.loadAsync(
    ...localReceiptsModules(configuration),
    eventStoreModule(configuration.store, options, configuration),
    dataStoreModule(configuration.data, options, configuration),
    fsCheckpointStoreModule(configuration.checkpointsDirectory),
    runReadModelModule(configuration),
    workstationModule({ environmentName: PLAIN_ENVIRONMENT }),
    codeInspectorModule(configuration),
    environmentModule(),
  );
  return container;
}

/** The opened ports of one configuration; `close()` releases locks, files and workers. */
export interface Dotscience extends RunServices {
  readonly configuration: Configuration;
  readonly checkpoints: CheckpointStore;
  /** The data store's objects by digest, when it hands them out (fs, hub): what push, pull and `ds ui` copy or serve. */
  readonly objects: ObjectStorage | undefined;
  /** The upkeep of each data store of the configuration (two for ZFS data beside the fs store; none for a hub's). */
  readonly maintenance: readonly DataMaintenance[];
  /** The runs read model (SQLite), opened on first ask: read commands use it, recording scripts never load it. */
  runReadModel(): Promise<RunReadModel>;
  /** The datasets, models and provenance read model (the same file as the runs'), opened on first ask. */
  provenanceReadModel(): Promise<ProvenanceReadModel>;
  /** The receipts hubs signed for this store's pushes, kept in its folder. */
  readonly receipts: ReceiptLedger;
  /** The signer of this store's anchors (`ds audit anchor`); its key is made on first ask. */
  anchorSigner(): Promise<ReceiptSigner>;
  close(): Promise<void>;
}

/** The ports an SDK client needs before it opens any store: run ids and this process's environment. */
export interface WorkstationPorts {
  readonly ids: IdGenerator;
  readonly environment: Environment;
}

/** The workstation's ports (ids, clock, environment), bound as in every container, without a store. */
export function composeWorkstation(): WorkstationPorts {
  const container = new Container();
  container.load(workstationModule());
  return { ids: container.get<IdGenerator>(IdGenerator), environment: container.get<Environment>(Environment) };
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
      events,
      data,
      objects: container.isBound(ObjectStorage) ? await container.getAsync<ObjectStorage>(ObjectStorage) : undefined,
      maintenance: container.isBound(DataMaintenance) ? await container.getAllAsync<DataMaintenance>(DataMaintenance) : [],
      checkpoints: container.get<CheckpointStore>(CheckpointStore),
      clock: container.get<Clock>(Clock),
      ids: container.get<IdGenerator>(IdGenerator),
      code: container.get<CodeInspector>(CodeInspector),
      environment: container.get<Environment>(Environment),
      runReadModel: () => container.getAsync<RunReadModel>(RunReadModel),
      provenanceReadModel: () => container.getAsync<ProvenanceReadModel>(ProvenanceReadModel),
      receipts: container.get<ReceiptLedger>(ReceiptLedger),
      anchorSigner: () => container.getAsync<ReceiptSigner>(ReceiptSigner),
      // The hub is the shared store: the versions written through it are numbered by it (D104).
      numbersVersions: configuration.store.kind === 'hub' ? 'hub' : 'local',
      close: () => (closed ??= container.unbindAllAsync()),
    };
    // Loaded only by a writer: recording a run's end brings the run's decisions and their schemas, which a read never needs.
    if (!options.readOnly) await (await import('./annotations/runs-left-open.js')).settleRunsLeftOpen(ds);
    return ds;
  } catch (err) {
    await container.unbindAllAsync().catch(() => undefined);
    throw err;
  }
}

/** The ports a capture needs without the event log: what `ds run` holds while the program runs. */
export interface CapturePorts extends Pick<RunServices, 'data' | 'code' | 'environment' | 'clock'> {
  close(): Promise<void>;
}

/**
 * Bind the adapters of the configuration `options` resolve to and open the data
 * store, code inspector, environment and clock only: the event log (and its
 * writer lock) is left to whoever opens it.
 */
export async function openCapturePorts(options: OpenOptions = {}): Promise<CapturePorts> {
  const container = await createContainer(resolveConfiguration(options), options);
  try {
    let closed: Promise<void> | undefined;
    return {
      data: await container.getAsync<DataStore>(DataStore),
      code: await container.getAsync<CodeInspector>(CodeInspector),
      environment: container.get<Environment>(Environment),
      clock: container.get<Clock>(Clock),
      close: () => (closed ??= container.unbindAllAsync()),
    };
  } catch (err) {
    await container.unbindAllAsync().catch(() => undefined);
    throw err;
  }
}

/** The hub's signing key (`hub-signing-key.pem`, made 0600 on first start) and its receipts (`receipts/<project>.ndjson`). */
export const HUB_SIGNING_KEY_FILE = 'hub-signing-key.pem';

/** Where a hub keeps its projects, tokens, key and receipts (`ds serve`). */
export interface HubSite {
  /** The hub's directory: per-project event logs under `events/`, tokens in `tokens.json`. */
  directory: string;
  /** Where per-project data objects live. */
  dataDirectory: string;
  bodyLimit?: number;
  webApp?: string;
}

async function hubReceipts(root: string): Promise<HubReceipts> {
  const container = new Container();
  container.load(keyFileReceiptSignerModule(join(root, HUB_SIGNING_KEY_FILE)), fsReceiptLedgerModule(join(root, 'receipts')));
  const signer = await container.getAsync<ReceiptSigner>(ReceiptSigner);
  const ledger = container.get<ReceiptLedger>(ReceiptLedger);
  const { receiptsKeptIn } = await import('@dotscience/adapters-http');
  return receiptsKeptIn(signer, ledger);
}

/** The hub server factory, from the http adapter's module (loaded only by the commands that serve). */
async function hubServerFactory(): Promise<{ build: HubServerFactory; http: typeof import('@dotscience/adapters-http') }> {
  const http = await import('@dotscience/adapters-http');
  const container = new Container();
  await container.loadAsync(http.hubServerModule());
  return { build: container.get<HubServerFactory>(http.HubServerFactory), http };
}

/**
 * A hub over the projects of a directory: one FsEventStore and one FsDataStore
 * per project, the site's tokens, and every accepted append's receipt signed
 * with the site's key.
 */
export async function composeHubServer(site: HubSite): Promise<{ server: HubServer; projects: ProjectDirectories }> {
  const { build, http } = await hubServerFactory();
  const { SqliteRunReadModel } = await import('@dotscience/adapters-sqlite');
  const projects = new http.ProjectDirectories({
    eventsRoot: join(site.directory, 'events'),
    dataRoot: site.dataDirectory,
    openEvents: (dir) => FsEventStore.open(dir),
    // Reads at once from the log by position; the writer (every covered record checked) opens on the first append (D166).
    openReader: (dir) => FsEventStore.open(dir, { readOnly: true }),
    openData: (dir) => new FsDataStore({ directory: dir }),
  });
  const server = build({
    tokens: http.TokenRegistry.inDirectory(site.directory),
    projects,
    receipts: await hubReceipts(site.directory),
    // One read model file per project (D119), what the cli's reads use too: the hub starts without replaying a log.
    readModels: (project, events) => {
      const model = SqliteRunReadModel.open({ file: join(site.directory, HUB_READ_MODELS_DIRECTORY, `${project}.sqlite`), events });
      return { runs: model, provenance: model.provenance };
    },
    ...(site.bodyLimit === undefined ? {} : { bodyLimit: site.bodyLimit }),
    ...(site.webApp === undefined ? {} : { webApp: site.webApp }),
  });
  return { server, projects };
}

/** Where a hub keeps its projects' read model files (`<directory>/read-models/<project>.sqlite`). */
export const HUB_READ_MODELS_DIRECTORY = 'read-models';

/** A hub over stores already opened (`ds ui`), with the tokens of `tokenDirectory`, reading the stores' own read models when given. */
export async function composeStoreHubServer(
  projects: ProjectStoreProvider,
  tokenDirectory: string,
  options: { webApp?: string; readModels?: ProjectReadModels } = {},
): Promise<{ server: HubServer; tokens: TokenRegistry }> {
  const { build } = await hubServerFactory();
  const tokens = await composeHubTokens(tokenDirectory);
  const { readModels } = options;
  return {
    server: build({
      tokens,
      projects,
      ...(options.webApp === undefined ? {} : { webApp: options.webApp }),
      ...(readModels === undefined ? {} : { readModels: () => readModels }),
    }),
    tokens,
  };
}

/** The tokens of the hub whose directory is `directory` (`tokens.json`). */
export async function composeHubTokens(directory: string): Promise<TokenRegistry> {
  return (await import('@dotscience/adapters-http')).TokenRegistry.inDirectory(directory);
}
