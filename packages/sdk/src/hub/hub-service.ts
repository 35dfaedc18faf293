import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DataStore, EventStore, ObjectStorage, ProvenanceReadModel, RunReadModel } from '@dotscience/core';
import type { Role, TokenInfo } from '@dotscience/adapters-http';
import { composeHubServer, composeHubTokens, composeStoreHubServer } from '../composition-root.js';

export interface HubServeOptions {
  /** The hub's directory: per-project event logs under `events/`, tokens in `tokens.json`. */
  store: string;
  /** Where per-project data objects live (default `<store>/data`). */
  data?: string;
  /** 0: an ephemeral port. */
  port?: number;
  host?: string;
  bodyLimit?: number;
  /** The built web UI directory to serve under /ui/ (see `@dotscience/web`). */
  webApp?: string;
}

export interface RunningHubServer {
  url: string;
  close(): Promise<void>;
}

/**
 * A project the hub prepared at start-up: its read model brought up to date (`ms` after it began),
 * then its writer opened, the log checked (`writerMs` after it began); or why either could not be.
 */
export type ProjectPrepared = { project: string; runs: number; ms: number; writerMs: number } | { project: string; error: string };

/** How long a hub that just started waits without requests before it opens a project's writer. */
const WRITER_QUIET_MS = 1000;

/**
 * Start a hub backed by the embedded fs adapters: one FsEventStore and one
 * FsDataStore per project. Once it listens, the projects already in the store are
 * prepared one after another in the background (their logs opened for reads, read models
 * brought up to date, then their writers opened, each log checked), so the first page or
 * query waits neither for a project's whole history to be projected nor for its log to be
 * checked; a request meanwhile shares the work under way (an append waits for the writer). `prepared`
 * settles when that is done (each project's outcome, also given to `onPrepared`); a
 * project that cannot be prepared is reported and still tried again by its requests.
 */
export async function serveHub(
  options: HubServeOptions & { onPrepared?: (outcome: ProjectPrepared) => void },
): Promise<RunningHubServer & { prepared: Promise<ProjectPrepared[]> }> {
  const root = resolve(options.store);
  const { server, projects } = await composeHubServer({
    directory: root,
    dataDirectory: resolve(options.data ?? join(root, 'data')),
    ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }),
    ...(options.webApp === undefined ? {} : { webApp: options.webApp }),
  });
  const url = await server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  let closing = false;
  const prepared = (async () => {
    const outcomes: ProjectPrepared[] = [];
    const failure = (project: string, error: unknown) => ({ project, error: error instanceof Error ? error.message : String(error) });
    // Its open holds the event loop for long stretches: not while requests come (an append opens it at once). Undefined: closed first.
    const writerOpened = async (project: string, read: { runs: number; ms: number; start: number }): Promise<ProjectPrepared | undefined> => {
      try {
        if (!(await server.openWriter(project, WRITER_QUIET_MS))) return undefined;
        return { project, runs: read.runs, ms: read.ms, writerMs: performance.now() - read.start };
      } catch (error) {
        return closing ? undefined : failure(project, error);
      }
    };
    // A store whose events directory cannot be listed fails every request too, with the reason: nothing to prepare here.
    const existing = await projects.existing().catch(() => []);
    // Every project's read model first, then their writers (D166), each project reported in turn.
    const read = new Map<string, { runs: number; ms: number; start: number } | { project: string; error: string }>();
    for (const project of existing) {
      if (closing) return outcomes;
      const start = performance.now();
      try {
        read.set(project, { ...(await server.prepare(project)), ms: performance.now() - start, start });
      } catch (error) {
        if (closing) return outcomes;
        read.set(project, failure(project, error));
      }
    }
    for (const [project, prepared] of read) {
      const outcome = 'error' in prepared ? prepared : await writerOpened(project, prepared);
      if (outcome === undefined) return outcomes;
      outcomes.push(outcome);
      options.onPrepared?.(outcome);
    }
    return outcomes;
  })();
  return {
    url,
    prepared,
    close: async () => {
      closing = true;
      await server.close();
      await prepared.catch(() => undefined);
    },
  };
}

/**
 * A hub over one opened local store (`ds ui`): its project only, tokens in a
 * fresh temporary directory, one read token returned. The store stays owned by
 * the caller; `close()` stops the hub and removes the tokens.
 */
export async function serveLocalStore(
  ds: {
    events: EventStore;
    data: DataStore;
    objects: ObjectStorage | undefined;
    configuration: { projectId: string };
    /** The store's read models (`.dotscience/read-model.sqlite`): the UI reads the file the cli's reads use. */
    runReadModel?(): Promise<RunReadModel>;
    provenanceReadModel?(): Promise<ProvenanceReadModel>;
  },
  options: { port?: number; host?: string; webApp?: string } = {},
): Promise<RunningHubServer & { token: string; project: string }> {
  const project = ds.configuration.projectId;
  const { objects } = ds;
  if (objects === undefined) {
    throw new Error(`ds ui serves a local fs data store; this configuration's data store (${ds.data.kind}) cannot hand out objects`);
  }
  const tokenDirectory = await mkdtemp(join(tmpdir(), 'ds-ui-'));
  const stores = { events: ds.events, data: ds.data, objects };
  const readModels =
    ds.runReadModel && ds.provenanceReadModel ? { readModels: { runs: await ds.runReadModel(), provenance: await ds.provenanceReadModel() } } : {};
  const { server, tokens } = await composeStoreHubServer(
    {
      open: async (id) => (id === project ? stores : Promise.reject(new Error(`ds ui serves project ${project} only, not ${id}`))),
      close: async () => undefined,
    },
    tokenDirectory,
    { ...options, ...readModels },
  );
  const { token } = await tokens.create(project, 'read', 'ds ui');
  await server.prepare(project);
  const url = await server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return {
    url,
    token,
    project,
    close: async () => {
      await server.close();
      await rm(tokenDirectory, { recursive: true, force: true });
    },
  };
}

/** The tokens of the hub whose directory is `store` (used on the hub's machine). */
export async function hubTokens(store: string): Promise<{
  create(project: string, role: Role, label?: string): Promise<{ token: string; info: TokenInfo }>;
  list(project?: string): TokenInfo[];
  revoke(tokenId: string): Promise<TokenInfo>;
}> {
  const registry = await composeHubTokens(resolve(store));
  return {
    create: (project, role, label) => registry.create(project, role, label),
    list: (project) => registry.list(project),
    revoke: (tokenId) => registry.revoke(tokenId),
  };
}
