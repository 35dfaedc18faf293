/**
 * Run query speed. Run: `npx vitest bench --run packages/core/bench/query.bench.ts`.
 * Target (issue 2): filtering 100k runs well under a second (compiled closures, no tree walking).
 */
import { bench, describe } from 'vitest';
import { compileQuery, runQuery, type RunView } from '../src/index.js';

const digest = (i: number): string => `sha256:${i.toString(16).padStart(64, '0')}`;

const runs: RunView[] = Array.from({ length: 100_000 }, (_, i) => ({
  runId: `run-${i}`,
  projectId: 'churn',
  mode: 'script',
  status: i % 10 === 0 ? 'running' : 'published',
  workload: {},
  codeVersion: { gitCommit: digest(i % 50).slice(7, 47) },
  environment: { runtime: 'python 3.12', os: 'linux', host: 'lab', user: i % 3 === 0 ? 'ada' : 'grace' },
  startedAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
  endedAt: null,
  description: null,
  parameters: { model: ['tree', 'forest', 'linear'][i % 3]!, depth: i % 2 === 0 ? i % 12 : String(i % 12), lr: 0.001 * (i % 100) },
  metrics: {
    rmse: { last: (i % 997) / 997, min: (i % 503) / 997, max: 1, count: 10, lastStep: 9 },
    accuracy: { last: (i % 1000) / 1000, min: 0, max: 1, count: 1, lastStep: null },
  },
  summary: { best: (i % 991) / 991 },
  labels: { team: i % 2 === 0 ? 'vision' : 'nlp' },
  inputs: [{ path: `data/shard-${i % 20}.csv`, dataset: 'shards', version: { store: 'fs', digest: digest(i % 20), kind: 'file', bytes: 1, files: 1 } }],
  outputs: [],
  models: [],
  error: null,
  headHash: digest(i),
  lastRevision: 10,
  lastPosition: i * 10,
  startedPosition: i * 10,
}));

const filter =
  "metrics.rmse < 0.5 and params.model IN ('tree', 'forest') and params.depth >= 4 and not attributes.status = 'running' or inputs.path LIKE 'data/shard-1%'";

describe('100k runs', () => {
  const matches = compileQuery(filter);
  bench('filter (compiled once)', () => {
    let n = 0;
    for (const run of runs) if (matches(run)) n++;
    if (n === 0) throw new Error('the benchmark filter selected nothing');
  });
  bench('runQuery: parse, filter, order by two keys, first page', () => {
    runQuery(runs, `${filter} order by metrics.accuracy desc, params.depth`, { limit: 50 });
  });
});
