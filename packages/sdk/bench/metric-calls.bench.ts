/**
 * 1,000,000 `ds.metric()` calls and a publish against the real fs store.
 * Run: `node packages/sdk/bench/metric-calls-run.mjs [calls]`.
 * Prints numbers only; targets (issue 4): ≤ 2 µs per call amortized (calls + publish), ≤ 3 s total.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ds from '../src/index.js';

const calls = Number(process.argv[2] ?? 1_000_000);
const dir = await mkdtemp(join(tmpdir(), 'ds-bench-metrics-'));
console.log(`machine: ${cpus()[0]?.model ?? '?'} × ${cpus().length}, node ${process.version}, dir ${dir}`);

const batch = process.env.METRIC_BATCH ? Number(process.env.METRIC_BATCH) : undefined;
const client = new ds.DotscienceClient({ cwd: dir, env: {}, hashWorkers: 1, exitHandling: false, ...(batch ? { metricBatchSize: batch } : {}) });
ds.setDefaultClient(client);
try {
  // The run is started (store opened, git and environment inspected) before timing: that cost is per run, not per call.
  ds.start();
  await ds.flush();

  const t0 = performance.now();
  for (let i = 0; i < calls; i++) ds.metric('loss', 1 / (i + 1), i);
  const t1 = performance.now();
  const published = await ds.publish();
  const t2 = performance.now();

  const us = (ms: number) => ((ms * 1000) / calls).toFixed(3);
  console.log(`metric() calls                      ${(t1 - t0).toFixed(0).padStart(8)} ms   ${us(t1 - t0)} µs/call (caller's time)`);
  console.log(`publish (flush + seal, durable)     ${(t2 - t1).toFixed(0).padStart(8)} ms`);
  console.log(`total: ${calls.toLocaleString('en-US')} calls + publish ${(t2 - t0).toFixed(0).padStart(8)} ms   ${us(t2 - t0)} µs/call amortized`);
  console.log(`run ${published.runId}`);
} finally {
  await client.close();
  await rm(dir, { recursive: true, force: true });
}
