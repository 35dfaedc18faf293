import type { DomainEvent, VersionRef } from '../../src/events/catalogue.js';
import { TEST_RUN_ID } from '../../src/testing/given-when-then.js';

export const T0 = '2026-01-31T12:00:00.000Z';
export const T1 = '2026-01-31T12:05:00.000Z';
export const HEAD = 'a'.repeat(64);

export const startCommand = {
  kind: 'start',
  projectId: 'default',
  mode: 'script',
  workload: { script: 'train.ts' },
  codeVersion: { gitCommit: 'abc123', dirty: false },
  environment: { runtime: 'node 20', os: 'linux', host: 'box', user: 'ada' },
  startedAt: T0,
} as const;

const { kind: _kind, ...startFields } = startCommand;
export const started: DomainEvent = { type: 'RunStarted', data: { runId: TEST_RUN_ID, ...startFields } };

export const published: DomainEvent = { type: 'RunPublished', data: { endedAt: T1, headHash: HEAD } };

export function ref(n: number): VersionRef {
  return { store: 'mem', digest: `sha256:${n.toString(16).padStart(64, '0')}`, kind: 'file', bytes: n, files: 1 };
}

export const metric = (name: string, value: number, step?: number): DomainEvent => ({
  type: 'MetricRecorded',
  data: step === undefined ? { name, value, at: T0 } : { name, value, step, at: T0 },
});

/** A MetricsRecorded event of one series; every point at T0. */
export const metricBatch = (name: string, values: number[], steps?: Array<number | null>): DomainEvent => ({
  type: 'MetricsRecorded',
  data: {
    series: [
      steps === undefined
        ? { name, values, at: { start: T0, deltasMs: values.map(() => 0) } }
        : { name, values, steps, at: { start: T0, deltasMs: values.map(() => 0) } },
    ],
  },
});

/** The recordMetrics command that decides `metricBatch(name, values, steps)`. */
export const recordMetricBatch = (name: string, values: number[], steps?: Array<number | null>) => ({
  kind: 'recordMetrics' as const,
  ...(metricBatch(name, values, steps).data as Extract<DomainEvent, { type: 'MetricsRecorded' }>['data']),
});
