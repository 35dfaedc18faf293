/**
 * 1,000,000 `ds.metric()` calls and a publish against the real fs store.
 * Run: `node packages/sdk/bench/metric-calls-run.mjs [calls]`.
 * Targets (issue 4): ≤ 2 µs per call amortized (calls + publish), ≤ 3 s total.
 * One warm-up run, then 5 timed runs, each a new run in a new store; median and spread.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineLine, summarise } from '../../core/bench/measurement.js';
import * as ds from '../src/index.js';

const BENCH = 'sdk: ds.metric()';
const calls = Number(process.argv[2] ?? 1_000_000);
const batch = process.env.METRIC_BATCH ? Number(process.env.METRIC_BATCH) : undefined;
const RUNS = 6; // the first is the warm-up

interface Timing {
  callsMs: number;
  publishMs: number;
}

async function oneRun(): Promise<Timing> {
  const dir = await mkdtemp(join(tmpdir(), 'ds-bench-metrics-'));
  const client = new ds.DotscienceClient({ cwd: dir, env: {}, hashWorkers: 1, exitHandling: false, ...(batch ? { metricBatchSize: batch } : {}) });
  ds.setDefaultClient(client);
  try {
    // The run is started (store opened, git and environment inspected) before timing: that cost is per run, not per call.
    ds.start();
    await ds.flush();
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) ds.metric('loss', 1 / (i + 1), i);
    const t1 = performance.now();
    await ds.publish();
    return { callsMs: t1 - t0, publishMs: performance.now() - t1 };
  } finally {
    await client.close();
    await rm(dir, { recursive: true, force: true });
  }
}

console.log(machineLine());
const timings: Timing[] = [];
for (let run = 0; run < RUNS; run++) timings.push(await oneRun());
const timed = timings.slice(1);
const label = `${calls.toLocaleString('en-US')} ds.metric() calls`;
summarise(
  BENCH,
  `${label}: caller's time per call`,
  'µs/call',
  timed.map((t) => (t.callsMs * 1000) / calls),
  calls,
  'metric.call',
);
summarise(
  BENCH,
  `${label} + publish: amortized per call`,
  'µs/call',
  timed.map((t) => ((t.callsMs + t.publishMs) * 1000) / calls),
  calls,
  'metric.amortized',
);
summarise(
  BENCH,
  `${label} + publish: total`,
  's',
  timed.map((t) => (t.callsMs + t.publishMs) / 1000),
  calls,
  'metric.total',
);
summarise(
  BENCH,
  'publish (flush + seal, durable)',
  's',
  timed.map((t) => t.publishMs / 1000),
  calls,
  'metric.publish',
);
