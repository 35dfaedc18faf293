/**
 * Hub ingestion over loopback. Run: `node packages/adapters-http/bench/hub-run.mjs`.
 * The hub runs in a child process (as `ds serve` would) over FsEventStore; the
 * clients are HttpEventStore in this process. Targets (issue 6): ≥ 50k events/s
 * batched, p99 ≤ 10 ms with 100 concurrent clients. Each figure: one warm-up run,
 * then ≥ 5 timed runs, median and spread.
 *
 * The machine's limit is measured the same way next to it, with the same client code:
 * 100 HttpEventStore clients in this process, each appending one event per request to a
 * stream of its own, against a bare node:http server in a child process (serveFloor in
 * hub-child.ts). The floor does the least that still gives those clients a valid append
 * answer: it parses the JSON body, chains the events onto the stream's head in memory with
 * core's chainEvents (the client recomputes the hashes and checks the answer's last one)
 * and answers the compact chain answer — no token check, no gate, no store, no fsync, no
 * receipt, no framework. So each request costs the clients the same work against both, and
 * the ratio compares servers, not clients (until D134 the floor was driven by raw JSON
 * posts, which cost the clients ~40 µs less per request than HttpEventStore's). On a small
 * machine the clients and the hub share the cores, so this floor tells a slow hub from a
 * machine that cannot do better. Both closed loops also report each side's CPU time per
 * request, which stays steady when other work shares the machine (latency and rate do
 * not): what one request costs the hub and a client.
 *
 * Batched appends are measured twice, in turns: as HttpEventStore does them (the hub
 * answers with its chain — compact receipts — and the client proves them by the hash chain) and as older
 * clients do (the full recorded events in the answer), with each side's CPU time per
 * 1,000 events. `--batched-only` stops after those rows; `--paced-only` measures only the paced rows.
 *
 * The 100 saturating clients and the bare node:http limit are measured in turns, run for
 * run, with their ratio round by round; `--concurrent-only` measures only those rows. The hub
 * runs as `ds serve` does (gate, signed receipts); `--gate-off` and `--receipts-off` leave
 * either out, for an A/B of what it costs.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NewEvent } from '@dotscience/core';
import { machineLine, measure, summarise, timed, type Timed } from '../../core/bench/measurement.js';
import { parseAppendAnswer } from '../src/client/append-answer.js';
import { HubConnection } from '../src/client/hub-connection.js';
import { HttpEventStore, hubPaths, TokenRegistry } from '../src/index.js';
import { metric, opening, serveFloor, serveHub, startChild as startScript, type ServerChild } from './hub-child.js';

const BENCH = 'adapters-http: hub';
const RUN_MS = 1500;
const BATCH = 1000;
const CLIENTS = 100;
/** Each paced client's interval: 100 clients × 10/s and × 40/s (half the loopback floor's saturated rate here). */
const PACED_INTERVALS_MS = [100, 25];

const startChild = (args: string[]): Promise<ServerChild> => startScript(fileURLToPath(import.meta.url), args);

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** p50 and p99 of each run's request latencies; warm-up runs are left out of the summary. */
class LatencyPercentiles {
  private readonly p50s: number[] = [];
  private readonly p99s: number[] = [];

  add(latencies: number[]): void {
    latencies.sort((a, b) => a - b);
    this.p50s.push(percentile(latencies, 50));
    this.p99s.push(percentile(latencies, 99));
  }

  /** `warmups`: how many of the first runs are warm-ups, left out. */
  summarise(name: string, key: string, warmups = 1): void {
    summarise(BENCH, `${name}: p50 latency`, 'ms', this.p50s.slice(warmups), 1, `${key}.p50`);
    summarise(BENCH, `${name}: p99 latency`, 'ms', this.p99s.slice(warmups), 1, `${key}.p99`);
  }
}

/** A closed-loop row: `CLIENTS` clients against one server. */
interface ClosedLoopRow {
  name: string;
  key: string;
  server: ServerChild;
  clients: Array<(n: number) => Promise<unknown>>;
}

/**
 * One closed-loop run: `CLIENTS` clients, each sending its next request as soon as the last
 * is answered, for RUN_MS. Its rate, every request's latency, and the server's and the
 * clients' CPU time per request — which do not depend on how the two processes share the
 * cores: they say what one request costs each side — and the share of the run the server's
 * event loop was busy (near 100 %: its one thread limits the rate; lower: it waits, for the disk or the clients).
 */
async function closedLoopRun(row: ClosedLoopRow): Promise<{ timed: Timed; latencies: number[]; serverCpu: number; clientCpu: number; serverLoopBusy: number }> {
  const latencies: number[] = [];
  const serverBefore = await row.server.usage();
  const clientBefore = process.cpuUsage();
  const result = await timed(async () => {
    const until = performance.now() + RUN_MS;
    const counts = await Promise.all(
      row.clients.map(async (send) => {
        let n = 0;
        while (performance.now() < until) {
          const start = performance.now();
          await send(n);
          latencies.push(performance.now() - start);
          n++;
        }
        return n;
      }),
    );
    return counts.reduce((a, b) => a + b, 0);
  });
  const { user, system } = process.cpuUsage(clientBefore);
  const serverAfter = await row.server.usage();
  const serverCpu = ((serverAfter.cpuMs - serverBefore.cpuMs) * 1000) / result.count;
  const active = serverAfter.loopActiveMs - serverBefore.loopActiveMs;
  const serverLoopBusy = (100 * active) / (active + serverAfter.loopIdleMs - serverBefore.loopIdleMs);
  return { timed: result, latencies, serverCpu, clientCpu: (user + system) / result.count, serverLoopBusy };
}

/**
 * Closed-loop rows measured in turns — one warm-up run each, then five rounds of one run of
 * each row — so that a machine shared with other work slows them alike: the hub and the bare
 * node:http limit are compared run for run, not minutes apart. Each row: the rate (median and
 * spread), p50 and p99 latency, and each side's CPU time per request; with two rows, also the
 * first's rate over the second's, round by round.
 */
async function closedLoopsInTurns(rows: ClosedLoopRow[]): Promise<void> {
  const figures = rows.map(() => ({
    rates: [] as number[],
    counts: [] as number[],
    serverCpu: [] as number[],
    clientCpu: [] as number[],
    serverLoopBusy: [] as number[],
    percentiles: new LatencyPercentiles(),
  }));
  for (const row of rows) await closedLoopRun(row);
  for (let round = 0; round < 5; round++) {
    for (const [i, row] of rows.entries()) {
      const run = await closedLoopRun(row);
      const f = figures[i]!;
      f.rates.push((run.timed.count / run.timed.ms) * 1000);
      f.counts.push(run.timed.count);
      f.serverCpu.push(run.serverCpu);
      f.clientCpu.push(run.clientCpu);
      f.serverLoopBusy.push(run.serverLoopBusy);
      f.percentiles.add(run.latencies);
    }
  }
  for (const [i, row] of rows.entries()) {
    const f = figures[i]!;
    summarise(BENCH, `${row.name} (1 event / request each)`, 'events/s', f.rates, f.counts.sort((a, b) => a - b)[2], row.key);
    f.percentiles.summarise(row.name, row.key, 0);
    summarise(BENCH, `${row.name}: server CPU per request`, 'µs', f.serverCpu, 1, `${row.key}.server-cpu`);
    summarise(BENCH, `${row.name}: client CPU per request`, 'µs', f.clientCpu, 1, `${row.key}.client-cpu`);
    // Near 100 %: the server's one thread is what limits the rate (CPU per request decides it), not waits for the disk.
    summarise(BENCH, `${row.name}: server event loop busy`, '%', f.serverLoopBusy, 1, `${row.key}.server-loop-busy`);
  }
  if (rows.length === 2) {
    const [a, b] = figures as [(typeof figures)[0], (typeof figures)[0]];
    summarise(
      BENCH,
      `${rows[0]!.name} ÷ ${rows[1]!.name}, round by round`,
      '×',
      a.rates.map((r, i) => r / b.rates[i]!),
      1,
      `${rows[0]!.key}.ratio`,
    );
  }
}

/**
 * `CLIENTS` clients, each sending one request every `intervalMs` (start times spread
 * evenly), for RUN_MS: latency is counted from when the request was due, not from when
 * it went out, so a client that fell behind still counts the wait (no coordinated
 * omission). Unlike the closed loop — where p99 is queueing by construction (Little's
 * law: 100 requests in flight ÷ throughput) — this says how fast the hub answers
 * clients working at a given pace.
 */
async function pacedLoop(name: string, key: string, intervalMs: number, clients: Array<(n: number) => Promise<unknown>>): Promise<void> {
  const percentiles = new LatencyPercentiles();
  await measure(
    BENCH,
    `${name} (1 event / request, one request every ${intervalMs} ms each)`,
    'events/s',
    async () => {
      const latencies: number[] = [];
      const result = await timed(async () => {
        const begin = performance.now();
        const until = begin + RUN_MS;
        const counts = await Promise.all(
          clients.map(async (send, c) => {
            let n = 0;
            for (let due = begin + (c * intervalMs) / clients.length; due < until; due += intervalMs) {
              const wait = due - performance.now();
              if (wait > 0) await new Promise((r) => setTimeout(r, wait));
              await send(n);
              latencies.push(performance.now() - due);
              n++;
            }
            return n;
          }),
        );
        return counts.reduce((a, b) => a + b, 0);
      });
      percentiles.add(latencies);
      return result;
    },
    { key },
  );
  percentiles.summarise(name, key);
}

/**
 * Rows measured in turns — one warm-up run each, then five rounds of one run of
 * each row — so a machine shared with other work slows them alike: what differs
 * between them is what the rows do differently. Each row also reports the hub's
 * and the client's CPU time per 1,000 events (steady on a busy machine).
 */
async function interleaved(server: ServerChild, rows: Array<{ name: string; key: string; run: () => Promise<Timed> }>): Promise<void> {
  const figures = rows.map(() => ({ rates: [] as number[], counts: [] as number[], serverCpu: [] as number[], clientCpu: [] as number[] }));
  for (const row of rows) await row.run();
  for (let round = 0; round < 5; round++) {
    for (const [i, row] of rows.entries()) {
      const serverBefore = await server.cpuMs();
      const clientBefore = process.cpuUsage();
      const { count, ms } = await row.run();
      const { user, system } = process.cpuUsage(clientBefore);
      const f = figures[i]!;
      f.serverCpu.push((((await server.cpuMs()) - serverBefore) * 1000) / count);
      f.clientCpu.push((user + system) / count);
      f.rates.push((count / ms) * 1000);
      f.counts.push(count);
    }
  }
  for (const [i, row] of rows.entries()) {
    const f = figures[i]!;
    summarise(BENCH, row.name, 'events/s', f.rates, f.counts.sort((a, b) => a - b)[2], row.key);
    summarise(BENCH, `${row.name}: hub CPU per 1,000 events`, 'ms', f.serverCpu, 1, `${row.key}.server-cpu`);
    summarise(BENCH, `${row.name}: client CPU per 1,000 events`, 'ms', f.clientCpu, 1, `${row.key}.client-cpu`);
  }
}

/** One append per call on its own stream per client (a fresh stream each timed run). */
function appendingClients(clients: HttpEventStore[], next: () => number): Array<(n: number) => Promise<unknown>> {
  return clients.map((client) => {
    let stream = '';
    return (n) => {
      if (n === 0) stream = `run-client-${randomUUID()}`;
      // Revision 0 is the run's RunStarted (sent with the first metric): the n-th request finds the stream at revision n.
      const last = n === 0 ? -1 : n;
      return client.append(stream, opening(stream, [metric(next())], last), { expectedRevision: last });
    };
  });
}

/** One client appending one event at a time, then batched appends as HttpEventStore and as older clients make them, in turns. */
async function singleAndBatched(hub: ServerChild, store: HttpEventStore, token: string, next: () => number): Promise<void> {
  await measure(BENCH, 'single appends (1 event / request, sequential)', 'events/s', () =>
    timed(async () => {
      let n = 0;
      const stream = `run-single-${randomUUID()}`;
      const until = performance.now() + RUN_MS;
      while (performance.now() < until) {
        const last = n === 0 ? -1 : n; // revision 0 is the run's RunStarted
        await store.append(stream, opening(stream, [metric(next())], last), { expectedRevision: last });
        n++;
      }
      return n;
    }),
  );

  // Only the requests are timed: the caller's events (a random UUID and a timestamp each) are made before each
  // request, outside the clock, as in the event-store bench — making them is not the hub's work.
  const batchedRun = (append: (stream: string, events: NewEvent[], expectedRevision: number) => Promise<unknown>) => async (): Promise<Timed> => {
    let n = 0;
    let ms = 0;
    let revision = -1;
    const stream = `run-batched-${randomUUID()}`;
    while (ms < RUN_MS) {
      const events = opening(
        stream,
        Array.from({ length: BATCH }, () => metric(next())),
        revision,
      );
      const start = performance.now();
      await append(stream, events, revision);
      ms += performance.now() - start;
      revision += events.length;
      n += BATCH;
    }
    return { count: n, ms };
  };
  const fullAnswers = new HubConnection({ url: hub.url, token, project: 'bench' });
  await interleaved(hub, [
    {
      name: `batched appends (${BATCH} events / request, sequential; events made outside the timed requests)`,
      key: 'hub.batched',
      run: batchedRun((stream, events, expectedRevision) => store.append(stream, events, { expectedRevision })),
    },
    {
      name: `older clients: full-answer appends (${BATCH} events / request, sequential)`,
      key: 'hub.batched.full-answer',
      run: batchedRun(async (stream, events, expectedRevision) => {
        const path = hubPaths.stream('bench', stream);
        parseAppendAnswer(
          stream,
          events,
          await fullAnswers.jsonAnswer({ method: 'POST', path, json: { events, expectedRevision } }),
          `hub answer to POST ${path}`,
        );
      }),
    },
  ]);
  fullAnswers.close();
}

async function main(): Promise<void> {
  const concurrentOnly = process.argv.includes('--concurrent-only');
  const batchedOnly = process.argv.includes('--batched-only');
  const pacedOnly = process.argv.includes('--paced-only');
  console.log(`${BENCH} — ${machineLine()}`);
  const root = await mkdtemp(join(tmpdir(), 'ds-hub-bench-'));
  const token = (await TokenRegistry.inDirectory(root).create('bench', 'write')).token;
  let step = 0;
  const hub = await startChild(['hub', root, ...process.argv.filter((a) => a === '--gate-off' || a === '--receipts-off')]);
  try {
    const store = new HttpEventStore({ url: hub.url, token });
    if (!concurrentOnly && !pacedOnly) await singleAndBatched(hub, store, token, () => step++);
    if (batchedOnly) {
      await store.close();
      return;
    }

    const clients = Array.from({ length: CLIENTS }, () => new HttpEventStore({ url: hub.url, token }));
    if (!pacedOnly) await saturatingClientsInTurns(hub, clients, token, () => step++);
    if (!concurrentOnly) {
      for (const intervalMs of PACED_INTERVALS_MS) {
        const offered = (CLIENTS * 1000) / intervalMs;
        await pacedLoop(
          `${CLIENTS} clients paced, ${offered.toLocaleString('en-US')} appends/s offered`,
          `hub.paced-${offered}`,
          intervalMs,
          appendingClients(clients, () => step++),
        );
      }
    }
    await Promise.all([store, ...clients].map((c) => c.close()));
  } finally {
    hub.stop();
    await new Promise((r) => setTimeout(r, 200));
    await rm(root, { recursive: true, force: true });
  }
}

/**
 * The hub's saturating clients and the bare node:http floor (its own child) driven by the same
 * client code — `CLIENTS` HttpEventStore clients of each, appending one event per request to a
 * stream of their own — in turns. The floor (serveFloor) chains the events and answers the
 * chain answer the client proves, so each request costs the client the same work on both sides.
 */
async function saturatingClientsInTurns(hub: ServerChild, clients: HttpEventStore[], token: string, next: () => number): Promise<void> {
  const floor = await startChild(['floor']);
  const floorClients = Array.from({ length: CLIENTS }, () => new HttpEventStore({ url: floor.url, token, project: 'bench' }));
  try {
    await closedLoopsInTurns([
      { name: `${CLIENTS} concurrent clients`, key: 'hub.concurrent', server: hub, clients: appendingClients(clients, next) },
      { name: `limit: bare node:http × ${CLIENTS} clients`, key: 'hub.concurrent.limit', server: floor, clients: appendingClients(floorClients, next) },
    ]);
  } finally {
    await Promise.all(floorClients.map((c) => c.close()));
    floor.stop();
  }
}

if (process.argv[2] === 'hub')
  await serveHub(process.argv[3]!, { gateOff: process.argv.includes('--gate-off'), receiptsOff: process.argv.includes('--receipts-off') });
else if (process.argv[2] === 'floor') await serveFloor();
else await main();
