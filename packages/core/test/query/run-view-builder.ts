import type { DeclaredData, JsonValue, RunView } from '../../src/index.js';
import type { DeclaredModel, MetricAggregate } from '../../src/projections/run-view.js';

/** The aggregates the runs projection keeps for a series recorded in this order. */
export function series(...values: JsonValue[]): MetricAggregate {
  const numbers = values.filter((v): v is number => typeof v === 'number');
  return {
    last: values[values.length - 1] ?? null,
    min: numbers.length === 0 ? null : Math.min(...numbers),
    max: numbers.length === 0 ? null : Math.max(...numbers),
    count: values.length,
    lastStep: null,
  };
}

/** A sha256 digest made of one repeated hex digit: digest('a') = sha256:aaaa… */
export const digest = (hex: string): string => `sha256:${hex.repeat(64).slice(0, 64)}`;

export function declared(path: string, dataset: string, hex: string): DeclaredData {
  return { path, dataset, version: { store: 'fs', digest: digest(hex), kind: 'file', bytes: 100, files: 1 } };
}

export function model(name: string, path: string, hex?: string): DeclaredModel {
  return hex === undefined
    ? { name, path }
    : { name, path, framework: 'sklearn', version: { store: 'fs', digest: digest(hex), kind: 'file', bytes: 10, files: 1 } };
}

type RunShape = Partial<Omit<RunView, 'metrics' | 'codeVersion' | 'environment'>> & {
  runId: string;
  metrics?: Record<string, MetricAggregate | number>;
  gitCommit?: string;
  user?: string;
  host?: string;
};

/** A RunView as the runs projection would build it; plain numbers in `metrics` are one-value series. */
export function aRun(shape: RunShape): RunView {
  const { gitCommit, user, host, metrics = {}, ...view } = shape;
  return {
    projectId: 'churn',
    mode: 'script',
    status: 'published',
    workload: { script: 'train.py' },
    codeVersion: gitCommit === undefined ? {} : { gitCommit },
    environment: { runtime: 'python 3.12', os: 'linux', host: host ?? 'lab-1', user: user ?? 'ada' },
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: null,
    description: null,
    parameters: {},
    summary: {},
    labels: {},
    inputs: [],
    outputs: [],
    models: [],
    error: null,
    headHash: digest('0'),
    lastRevision: 0,
    lastPosition: 0,
    startedPosition: 0,
    ...view,
    metrics: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, typeof v === 'number' ? series(v) : v])),
  };
}
