/**
 * The processes the hub benchmarks measure: a hub over FsEventStore (as `ds serve`
 * runs one) and the bare node:http floor, each in a child process that answers an
 * IPC message with its CPU time and memory so far. A bench script starts them by
 * spawning itself (bundled) with `hub <dir>` or `floor`.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { FsDataStore, FsEventStore, FsReceiptLedger, KeyFileReceiptSigner } from '@dotscience/adapters-fs';
import { GENESIS_HASH, type NewEvent } from '@dotscience/core';
import { chainEvents } from '@dotscience/core/store-kit';
import { chainOf } from '../src/server/append-answers.js';
import { HubServer, ProjectDirectories, receiptsKeptIn, TokenRegistry } from '../src/index.js';

export function metric(step: number): NewEvent {
  return {
    id: randomUUID(),
    type: 'MetricRecorded',
    schemaVersion: 1,
    data: { name: 'loss', value: Math.random(), step, at: new Date().toISOString() },
    meta: { correlationId: 'bench', actor: { user: 'bench', host: 'localhost' }, sdkVersion: '0.1.0' },
  };
}

/**
 * The hub's gate admits a run's events once it is started: a stream's first append opens
 * with RunStarted (then the stream's metrics, as the SDK writes them).
 */
export function opening(stream: string, events: NewEvent[], lastRevision: number): NewEvent[] {
  if (lastRevision !== -1) return events;
  const runStarted: NewEvent = {
    id: randomUUID(),
    type: 'RunStarted',
    schemaVersion: 1,
    data: {
      runId: stream.slice('run-'.length),
      projectId: 'bench',
      mode: 'script',
      workload: {},
      codeVersion: {},
      environment: { runtime: 'node', os: 'linux', host: 'localhost', user: 'bench' },
      startedAt: new Date().toISOString(),
    },
    meta: { correlationId: 'bench', actor: { user: 'bench', host: 'localhost' }, sdkVersion: '0.1.0' },
  };
  return [runStarted, ...events];
}

/**
 * The hub over `root`, with its default limits, its append gate and its signed receipts (a key
 * and a receipts ledger under `root`), as `ds serve` runs it; `gateOff` (`--gate-off`) appends
 * without the gate (HubServerOptions.admitAnyEvent) and `receiptsOff` (`--receipts-off`)
 * without receipts, for an A/B of what each costs.
 */
export async function serveHub(root: string, { gateOff = false, receiptsOff = false } = {}): Promise<void> {
  const signer = await KeyFileReceiptSigner.fromKeyFile(join(root, 'hub-signing-key.pem'));
  const ledger = new FsReceiptLedger(join(root, 'receipts'));
  const server = new HubServer({
    admitAnyEvent: gateOff,
    ...(receiptsOff ? {} : { receipts: receiptsKeptIn(signer, ledger) }),
    tokens: TokenRegistry.inDirectory(root),
    projects: new ProjectDirectories({
      eventsRoot: join(root, 'events'),
      dataRoot: join(root, 'data'),
      openEvents: (dir) => FsEventStore.open(dir),
      openData: (dir) => new FsDataStore({ directory: dir, workers: 1 }),
    }),
  });
  console.log(`url ${await server.listen(0)}`);
  reportUsageOnRequest();
  process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
}

export interface Usage {
  /** CPU time used so far (user + system), ms. */
  cpuMs: number;
  /** Resident set size now, bytes. */
  rssBytes: number;
  /** The main thread's event loop so far: ms spent running callbacks and ms spent waiting for I/O (`eventLoopUtilization`). */
  loopActiveMs: number;
  loopIdleMs: number;
}

/** A child answers each IPC message with its usage so far. */
function reportUsageOnRequest(): void {
  process.on('message', () => {
    const { user, system } = process.cpuUsage();
    const loop = performance.eventLoopUtilization();
    process.send!({ cpuMs: (user + system) / 1000, rssBytes: process.memoryUsage.rss(), loopActiveMs: loop.active, loopIdleMs: loop.idle } satisfies Usage);
  });
}

/**
 * The floor: the least a server can do and still give HttpEventStore a valid append answer, so
 * the bench's clients do exactly the work they do against the hub. Per request it reads the JSON
 * body, parses it, gives each event the body's `common` fields, chains the events onto the
 * stream's head in memory with core's chainEvents (the hash function every store uses: the
 * client recomputes it and must find the answer's last hash) and answers the chain answer
 * (`?answer=chain`) with JSON.stringify. No token check, no gate, no store, no disk, no
 * signature, no framework: a bare node:http server.
 */
export async function serveFloor(): Promise<void> {
  const heads = new Map<string, { revision: number; hash: string }>();
  let position = -1;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { common?: Partial<NewEvent>; events: NewEvent[] };
      const stream = decodeURIComponent(/\/streams\/([^/?]+)/.exec(request.url ?? '')![1]!);
      const events = body.events.map((e) => ({ ...body.common, ...e }) as NewEvent);
      const head = heads.get(stream) ?? { revision: -1, hash: GENESIS_HASH };
      const recordedAt = new Date().toISOString();
      const sealed = chainEvents(stream, head.revision, head.hash, events).map((e) => ({ ...e, position: ++position, recordedAt }));
      const last = sealed.at(-1)!;
      heads.set(stream, { revision: last.revision, hash: last.hash });
      const answer = JSON.stringify(chainOf({ nextExpectedRevision: last.revision, position: last.position, events: sealed }));
      response.writeHead(200, { 'content-type': 'application/json' }).end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  console.log(`url http://127.0.0.1:${(server.address() as { port: number }).port}`);
  reportUsageOnRequest();
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

export interface ServerChild {
  url: string;
  /** CPU time the child has used so far, in ms. */
  cpuMs(): Promise<number>;
  /** The child's CPU time and its main thread's event loop (active and idle ms) so far. */
  usage(): Promise<Usage>;
  /** The child's resident set size now, in bytes. */
  rssBytes(): Promise<number>;
  stop(): void;
}

/**
 * Spawn `script` (the bundled bench itself) with `args`; resolves once it prints its URL. A hub
 * child is given the node flags in DS_BENCH_HUB_NODE_FLAGS (space-separated), such as
 * `--cpu-prof --cpu-prof-dir=/tmp/hub-profile` to profile the hub while the bench runs.
 */
export async function startChild(script: string, args: string[]): Promise<ServerChild> {
  const flags = args[0] === 'hub' ? (process.env.DS_BENCH_HUB_NODE_FLAGS ?? '').split(' ').filter((f) => f !== '') : [];
  const child = spawn(process.execPath, [...flags, script, ...args], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  let exited = false;
  child.once('exit', () => (exited = true));
  const url = await new Promise<string>((resolveUrl) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const m = /url (\S+)/.exec(out);
      if (m) resolveUrl(m[1]!);
    });
  });
  const usage = () =>
    new Promise<Usage>((resolveUsage, reject) => {
      if (exited) return reject(new Error(`the child ${args.join(' ')} has exited`));
      child.once('message', (u) => resolveUsage(u as Usage));
      child.send('usage');
    });
  return {
    url,
    cpuMs: async () => (await usage()).cpuMs,
    usage,
    rssBytes: async () => (await usage()).rssBytes,
    stop: () => child.kill('SIGTERM'),
  };
}
