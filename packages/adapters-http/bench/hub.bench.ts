/**
 * Hub ingestion over loopback. Run: `node packages/adapters-http/bench/hub-run.mjs`.
 * The hub runs in a child process (as `ds serve` would) over FsEventStore; the
 * clients are HttpEventStore in this process. Targets (issue 6): ≥ 50k events/s
 * batched, p99 ≤ 10 ms with 100 concurrent clients. Each figure: one warm-up run,
 * then ≥ 5 timed runs, median and spread.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FsDataStore, FsEventStore } from '@dotscience/adapters-fs';
import type { NewEvent } from '@dotscience/core';
import { machineLine, measure, summarise, timed } from '../../core/bench/measurement.js';
import { HttpEventStore, HubServer, ProjectDirectories, TokenRegistry } from '../src/index.js';

const BENCH = 'adapters-http: hub';
const RUN_MS = 1500;
const BATCH = 1000;
const CLIENTS = 100;

function metric(step: number): NewEvent {
  return {
    id: randomUUID(),
    type: 'MetricRecorded',
    schemaVersion: 1,
    data: { name: 'loss', value: Math.random(), step, at: new Date().toISOString() },
    meta: { correlationId: 'bench', actor: { user: 'bench', host: 'localhost' }, sdkVersion: '0.1.0' },
  };
}

async function serve(root: string): Promise<void> {
  const server = new HubServer({
    tokens: TokenRegistry.inDirectory(root),
    projects: new ProjectDirectories({
      eventsRoot: join(root, 'events'),
      dataRoot: join(root, 'data'),
      openEvents: (dir) => FsEventStore.open(dir),
      openData: (dir) => new FsDataStore({ directory: dir, workers: 1 }),
    }),
  });
  console.log(`url ${await server.listen(0)}`);
  process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
}

async function startHubChild(root: string): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'hub', root], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolveUrl) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const m = /url (\S+)/.exec(out);
      if (m) resolveUrl(m[1]!);
    });
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main(): Promise<void> {
  console.log(`${BENCH} — ${machineLine()}`);
  const root = await mkdtemp(join(tmpdir(), 'ds-hub-bench-'));
  const token = (await TokenRegistry.inDirectory(root).create('bench', 'write')).token;
  const hub = await startHubChild(root);
  try {
    const store = new HttpEventStore({ url: hub.url, token });
    let step = 0;

    await measure(BENCH, 'single appends (1 event / request, sequential)', 'events/s', () =>
      timed(async () => {
        let n = 0;
        const stream = `run-single-${randomUUID()}`;
        const until = performance.now() + RUN_MS;
        while (performance.now() < until) {
          await store.append(stream, [metric(step++)], { expectedRevision: n - 1 });
          n++;
        }
        return n;
      }),
    );

    await measure(BENCH, `batched appends (${BATCH} events / request, sequential)`, 'events/s', () =>
      timed(async () => {
        let n = 0;
        const stream = `run-batched-${randomUUID()}`;
        const until = performance.now() + RUN_MS;
        while (performance.now() < until) {
          await store.append(stream, Array.from({ length: BATCH }, () => metric(step++)), { expectedRevision: n - 1 });
          n += BATCH;
        }
        return n;
      }),
    );

    const p50s: number[] = [];
    const p99s: number[] = [];
    const clients = Array.from({ length: CLIENTS }, () => new HttpEventStore({ url: hub.url, token }));
    await measure(BENCH, `${CLIENTS} concurrent clients (1 event / request each)`, 'events/s', async () => {
      const latencies: number[] = [];
      const result = await timed(async () => {
        const until = performance.now() + RUN_MS;
        const counts = await Promise.all(
          clients.map(async (client) => {
            const stream = `run-client-${randomUUID()}`;
            let n = 0;
            while (performance.now() < until) {
              const start = performance.now();
              await client.append(stream, [metric(step++)], { expectedRevision: n - 1 });
              latencies.push(performance.now() - start);
              n++;
            }
            return n;
          }),
        );
        return counts.reduce((a, b) => a + b, 0);
      });
      latencies.sort((a, b) => a - b);
      p50s.push(percentile(latencies, 50));
      p99s.push(percentile(latencies, 99));
      return result;
    });
    // The first entry is the warm-up run.
    summarise(BENCH, `${CLIENTS} concurrent clients: p50 latency`, 'ms', p50s.slice(1));
    summarise(BENCH, `${CLIENTS} concurrent clients: p99 latency`, 'ms', p99s.slice(1));
    await Promise.all([store, ...clients].map((c) => c.close()));
  } finally {
    hub.stop();
    await new Promise((r) => setTimeout(r, 200));
    await rm(root, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'hub') await serve(process.argv[3]!);
else await main();
