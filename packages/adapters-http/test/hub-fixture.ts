import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsDataStore, FsEventStore } from '@dotscience/adapters-fs';
import { HubServer, ProjectDirectories, TokenRegistry, writableEvents, type HubServerOptions, type Role } from '../src/index.js';

/** A real hub on 127.0.0.1 (ephemeral port) backed by the fs adapters in a temp directory. */
export interface RunningHub {
  url: string;
  root: string;
  tokens: TokenRegistry;
  server: HubServer;
  token(project: string, role?: Role): Promise<string>;
  /** Wait until what the hub writes after answering (a project's anchor lines, D136) is on disk. */
  settled(project: string): Promise<void>;
  /** Stop the hub and start it again on the same directories (a new port). */
  restart(): Promise<void>;
  stop(): Promise<void>;
  cleanup(): Promise<void>;
}

/** What a fixture hub is started with: any HubServer option, e.g. `admitAnyEvent` for tests whose probe events are not domain events, or `limits`. */
export type FixtureHubOptions = Partial<HubServerOptions>;

function projectsUnder(root: string): ProjectDirectories {
  return new ProjectDirectories({
    eventsRoot: join(root, 'events'),
    dataRoot: join(root, 'data'),
    openEvents: (dir) => FsEventStore.open(dir),
    // As ds serve opens them (D166): reads at once by position, the writer on the first append.
    openReader: (dir) => FsEventStore.open(dir, { readOnly: true }),
    openData: (dir) => new FsDataStore({ directory: dir, workers: 1 }),
  });
}

export function hubOver(root: string, options: FixtureHubOptions = {}, projects = projectsUnder(root)): HubServer {
  return new HubServer({ tokens: TokenRegistry.inDirectory(root), projects, ...options });
}

export async function startHub(options: FixtureHubOptions = {}): Promise<RunningHub> {
  const root = await mkdtemp(join(tmpdir(), 'ds-hub-'));
  const tokens = TokenRegistry.inDirectory(root);
  let projects = projectsUnder(root);
  let server = hubOver(root, options, projects);
  let stopped = false;
  const hub: RunningHub = {
    url: await server.listen(0),
    root,
    tokens,
    server,
    token: async (project, role = 'write') => (await tokens.create(project, role)).token,
    settled: async (project) => {
      const { events } = await projects.open(project);
      await ((await writableEvents(events)) as FsEventStore).readAnchors(); // waits for the lines given so far
    },
    restart: async () => {
      await server.close();
      projects = projectsUnder(root);
      server = hubOver(root, options, projects);
      hub.server = server;
      hub.url = await server.listen(0);
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.close();
    },
    cleanup: async () => {
      await hub.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
  return hub;
}
