import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { eventSchemas, type EventData, type EventType, type JsonValue } from '@dotscience/core';
import { InMemoryEventStore } from '@dotscience/core/testing';

/** Keys shared by generated runs and generated queries, so queries meet the values. */
export const KEYS = ['depth', 'lr', 'loss', 'loss.min', 'acc', 'a b'] as const;
export const TEXTS = ['tree', 'Tree', '', 'é', 'data/train.csv', 'models/clf', '100%', 'a_b'] as const;
export const INSTANTS = ['2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z', '2026-02-01T00:00:00.000Z'] as const;
const DIGESTS = ['a', 'b', 'c'].map((h) => `sha256:${h.repeat(64)}`);

export const jsonValue: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.constantFrom(0.5, 0.9, 0.95, -1.5, 3, 1e-3),
  fc.constantFrom('3', ' 0.5', '1e-3', '0.95', 'abc', 'true', '3.0'),
  fc.constantFrom(...TEXTS),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom<JsonValue>({ a: 1 }, [1, 2], []),
);

type Op =
  | { type: 'ParameterRecorded' | 'SummaryRecorded'; name: string; value: JsonValue }
  | { type: 'LabelAdded'; name: string; value: string }
  | { type: 'MetricRecorded'; name: string; value: JsonValue; step?: number }
  | { type: 'MetricsRecorded'; name: string; values: number[] }
  | { type: 'InputDeclared' | 'OutputDeclared'; path: string; dataset: string; digest: number; kind: 'file' | 'directory'; bytes: number }
  | { type: 'ModelDeclared'; name: string; path: string; framework?: string }
  | { type: 'RunDescribed'; description: string }
  | { type: 'RunErrored'; message: string }
  | { type: 'RunPublished'; endedAt: string };

const key = fc.constantFrom(...KEYS, 'exitCode');
const text = fc.constantFrom(...TEXTS);

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ type: fc.constantFrom('ParameterRecorded' as const, 'SummaryRecorded' as const), name: key, value: jsonValue }),
  fc.record({ type: fc.constant('LabelAdded' as const), name: key, value: fc.oneof(text, fc.constantFrom('3', '0.95', 'true')) }),
  fc
    .record({ type: fc.constant('MetricRecorded' as const), name: key, value: jsonValue, step: fc.option(fc.nat(5), { nil: undefined }) })
    .map(({ step, ...rest }) => (step === undefined ? rest : { ...rest, step })),
  fc.record({
    type: fc.constant('MetricsRecorded' as const),
    name: key,
    values: fc.array(fc.constantFrom(0.1, 0.9, 0.95, 2, -1), { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    type: fc.constantFrom('InputDeclared' as const, 'OutputDeclared' as const),
    path: text.filter((t) => t !== ''),
    dataset: fc.constantFrom('train', 'test'),
    digest: fc.nat(2),
    kind: fc.constantFrom('file' as const, 'directory' as const),
    bytes: fc.constantFrom(0, 10, 100),
  }),
  fc
    .record({
      type: fc.constant('ModelDeclared' as const),
      name: fc.constantFrom('clf', 'reg'),
      path: fc.constantFrom('models/clf', 'm'),
      framework: fc.option(fc.constantFrom('sklearn', 'torch'), { nil: undefined }),
    })
    .map(({ framework, ...rest }) => (framework === undefined ? rest : { ...rest, framework })),
  fc.record({ type: fc.constant('RunDescribed' as const), description: text }),
  fc.record({ type: fc.constant('RunErrored' as const), message: fc.constant('boom') }),
  fc.record({ type: fc.constant('RunPublished' as const), endedAt: fc.constantFrom(...INSTANTS) }),
);

export interface RunSpec {
  startedAt: string;
  mode: 'script' | 'interactive';
  /** 'self': a workload's own run; a number: recorded under the workload run of that index. */
  workload: 'none' | 'self' | number;
  user: string;
  gitCommit?: string;
  ops: Op[];
}

const runSpec: fc.Arbitrary<RunSpec> = fc
  .record({
    startedAt: fc.constantFrom(...INSTANTS),
    mode: fc.constantFrom('script' as const, 'interactive' as const),
    workload: fc.oneof(fc.constant('none' as const), fc.constant('self' as const), fc.nat(7)),
    user: fc.constantFrom('ada', 'Bob'),
    gitCommit: fc.option(fc.constantFrom('abc123', 'def456'), { nil: undefined }),
    ops: fc.array(op, { maxLength: 8 }),
  })
  .map(({ gitCommit, ...rest }) => (gitCommit === undefined ? rest : { ...rest, gitCommit }));

/** Runs and the order their events are appended in (run index per step; a run's first step starts it). */
export const runHistoryArbitrary = fc.array(runSpec, { minLength: 1, maxLength: 8 }).chain((runs) =>
  fc
    .shuffledSubarray(
      runs.flatMap((r, i) => Array.from({ length: r.ops.length + 1 }, () => i)),
      { minLength: runs.reduce((n, r) => n + r.ops.length + 1, 0) },
    )
    .map((order) => ({ runs, order })),
);

export const runIdOf = (i: number): string => `0190${i.toString(16).padStart(4, '0')}-run`;

function dataOf(o: Op): { type: EventType; data: unknown } {
  switch (o.type) {
    case 'InputDeclared':
    case 'OutputDeclared':
      return {
        type: o.type,
        data: { path: o.path, dataset: o.dataset, version: { store: 'fs', digest: DIGESTS[o.digest], kind: o.kind, bytes: o.bytes, files: 1 } },
      };
    case 'MetricsRecorded':
      return { type: o.type, data: { series: [{ name: o.name, values: o.values, at: { start: INSTANTS[0], deltasMs: o.values.map(() => 1) } }] } };
    case 'MetricRecorded':
      return { type: o.type, data: { name: o.name, value: o.value, ...(o.step === undefined ? {} : { step: o.step }), at: INSTANTS[0] } };
    case 'RunPublished':
      return { type: o.type, data: { endedAt: o.endedAt, headHash: 'x' } };
    default: {
      const { type, ...data } = o;
      return { type, data };
    }
  }
}

/** The events of a generated history, in append order, each checked against the catalogue. */
export function historyEvents({ runs, order }: { runs: RunSpec[]; order: number[] }): Array<{ stream: string; type: EventType; data: unknown }> {
  const next = runs.map(() => 0);
  return order.map((i) => {
    const run = runs[i]!;
    const runId = runIdOf(i);
    const step = next[i]!++;
    if (step === 0) {
      const workloadId = run.workload === 'self' ? runId : typeof run.workload === 'number' ? runIdOf(run.workload) : undefined;
      const data: EventData<'RunStarted'> = {
        runId,
        projectId: 'churn',
        mode: run.mode,
        workload: { script: 'train.py', ...(workloadId === undefined ? {} : { workloadId }) },
        codeVersion: run.gitCommit === undefined ? {} : { gitCommit: run.gitCommit },
        environment: { runtime: 'node 20', os: 'linux', host: 'lab', user: run.user },
        startedAt: run.startedAt,
      };
      return { stream: `run-${runId}`, type: 'RunStarted', data };
    }
    const { type, data } = dataOf(run.ops[step - 1]!);
    return { stream: `run-${runId}`, type, data: eventSchemas[type].parse(data) };
  });
}

export async function append(store: InMemoryEventStore, events: ReadonlyArray<{ stream: string; type: EventType; data: unknown }>): Promise<void> {
  for (const e of events) await store.append(e.stream, [{ id: randomUUID(), type: e.type, schemaVersion: 1, data: e.data as JsonValue, meta: {} }]);
}
