import { join, resolve } from 'node:path';
import { FsDataStore, FsEventStore } from '@dotscience/adapters-fs';
import { HubServer, ProjectDirectories, TokenRegistry, type Role, type TokenInfo } from '@dotscience/adapters-http';

export interface HubServeOptions {
  /** The hub's directory: per-project event logs under `events/`, tokens in `tokens.json`. */
  store: string;
  /** Where per-project data objects live (default `<store>/data`). */
  data?: string;
  /** 0: an ephemeral port. */
  port?: number;
  host?: string;
  bodyLimit?: number;
}

export interface RunningHubServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Start a hub backed by the embedded fs adapters: one FsEventStore and one
 * FsDataStore per project, opened on first use.
 */
export async function serveHub(options: HubServeOptions): Promise<RunningHubServer> {
  const root = resolve(options.store);
  const server = new HubServer({
    tokens: TokenRegistry.inDirectory(root),
    projects: new ProjectDirectories({
      eventsRoot: join(root, 'events'),
      dataRoot: resolve(options.data ?? join(root, 'data')),
      openEvents: (dir) => FsEventStore.open(dir),
      openData: (dir) => new FsDataStore({ directory: dir }),
    }),
    ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }),
  });
  const url = await server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return { url, close: () => server.close() };
}

/** The tokens of the hub whose directory is `store` (used on the hub's machine). */
export function hubTokens(store: string): {
  create(project: string, role: Role, label?: string): Promise<{ token: string; info: TokenInfo }>;
  list(project?: string): TokenInfo[];
  revoke(tokenId: string): Promise<TokenInfo>;
} {
  const registry = TokenRegistry.inDirectory(resolve(store));
  return {
    create: (project, role, label) => registry.create(project, role, label),
    list: (project) => registry.list(project),
    revoke: (tokenId) => registry.revoke(tokenId),
  };
}
