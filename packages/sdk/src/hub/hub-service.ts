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

/** A project whose read model the hub brought up to date at start-up, or why it could not. */
export type ProjectPrepared = { project: string; runs: number; ms: number } | { project: string; error: string };

/**
 * Start a hub backed by the embedded fs adapters: one FsEventStore and one
 * FsDataStore per project. Once it listens, the projects already in the store are
 * prepared one after another in the background (their stores opened and read models
 * brought up to date), so the first page or query does not wait for a project's whole
 * history to be projected; a request meanwhile shares the work under way. `prepared`
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
    // A store whose events directory cannot be listed fails every request too, with the reason: nothing to prepare here.
    const existing = await projects.existing().catch(() => []);
    for (const project of existing) {
      if (closing) break;
      const start = performance.now();
      let outcome: ProjectPrepared;
      try {
        outcome = { project, ...(await server.prepare(project)), ms: performance.now() - start };
      } catch (error) {
        if (closing) break;
        outcome = { project, error: error instanceof Error ? error.message : String(error) };
      }
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
