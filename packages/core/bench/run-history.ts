/**
 * A deterministic, realistic event history for the core benchmarks: runs that
 * start, record parameters, declare an input and an output, a model, many metric
 * steps, and publish; each output and model also gets a dataset / model version.
 * Events are decided by the real run rules and sealed by the real hash chain.
 */
import {
  GENESIS_HASH,
  decideRun,
  decideRunBatch,
  initialRunState,
  type DomainEvent,
  type RecordedEvent,
  type RunCommandInput,
  type VersionRef,
} from '../src/index.js';
import { chainEvents } from '../src/store-kit.js';

export const T0 = '2026-01-31T12:00:00.000Z';
const META = { correlationId: 'bench', actor: { user: 'ada', host: 'lab' }, sdkVersion: '0.1.0' };

/** sha256-shaped digest of a number (no hashing needed: only the shape matters here). */
export const digest = (n: number): string => `sha256:${n.toString(16).padStart(64, '0')}`;
const ref = (n: number, kind: 'file' | 'directory' = 'file'): VersionRef => ({ store: 'fs', digest: digest(n), kind, bytes: 1000 + n, files: 1 });
const timeAt = (i: number): string => new Date(Date.UTC(2026, 0, 31, 12) + i * 1000).toISOString();

export const startCommand = (run: number): RunCommandInput => ({
  kind: 'start',
  projectId: 'churn',
  mode: 'script',
  workload: { script: 'train.py' },
  codeVersion: { gitCommit: digest(run % 97).slice(7, 47), dirty: false },
  environment: { runtime: 'python 3.12', os: 'linux', host: 'lab', user: run % 3 === 0 ? 'ada' : 'grace' },
  startedAt: timeAt(run),
});

/** `count` metric commands over three series, steps increasing per series. */
export function metricCommands(count: number): RunCommandInput[] {
  const names = ['loss', 'accuracy', 'lr'];
  return Array.from({ length: count }, (_, i) => ({ kind: 'recordMetric', name: names[i % 3]!, value: Math.sin(i), step: Math.floor(i / 3), at: T0 }));
}

function runCommands(run: number, metrics: number): RunCommandInput[] {
  return [
    startCommand(run),
    ...['lr', 'depth', 'model', 'seed', 'batch'].map((name, k): RunCommandInput => ({
      kind: 'recordParameter',
      name,
      value: name === 'model' ? ['tree', 'forest'][run % 2]! : (run * 7 + k) % 13,
    })),
    { kind: 'declareInput', path: 'data/train.csv', dataset: 'train', version: ref(run % 10, 'file') },
    { kind: 'declareOutput', path: 'out/features', dataset: 'features', version: ref(1_000_000 + run, 'directory') },
    { kind: 'declareModel', name: 'churn-model', path: 'out/model.pkl', framework: 'sklearn', version: ref(2_000_000 + run) },
    { kind: 'addLabel', name: 'team', value: run % 2 === 0 ? 'vision' : 'nlp' },
    ...metricCommands(metrics),
    { kind: 'recordSummary', name: 'best', value: (run % 991) / 991 },
  ];
}

/** Append `events` to `stream` at the log's end; returns the new head. */
function seal(log: RecordedEvent[], stream: string, head: { revision: number; hash: string }, events: DomainEvent[]): { revision: number; hash: string } {
  const sealed = chainEvents(
    stream,
    head.revision,
    head.hash,
    events.map((e, k) => ({
      id: `00000000-0000-4000-8000-${(log.length + k).toString(16).padStart(12, '0')}`,
      type: e.type,
      schemaVersion: 1,
      data: e.data,
      meta: META,
    })),
  );
  for (const e of sealed) log.push({ ...e, position: log.length, recordedAt: timeAt(log.length) });
  const last = sealed[sealed.length - 1]!;
  return { revision: last.revision, hash: last.hash };
}

/** About `total` recorded events: runs of `perRun` events each, plus their dataset and model versions. */
export function recordedHistory(total: number, perRun = 500): RecordedEvent[] {
  const log: RecordedEvent[] = [];
  const heads = new Map<string, { revision: number; hash: string }>();
  const headOf = (stream: string) => heads.get(stream) ?? { revision: -1, hash: GENESIS_HASH };
  const fixed = runCommands(0, 0).length + 1; // + publish
  for (let run = 0; log.length < total; run++) {
    const runId = `r${run.toString().padStart(6, '0')}`;
    const stream = `run-${runId}`;
    const { events, state } = decideRunBatch(initialRunState(runId), runCommands(run, Math.max(0, perRun - fixed - 2)));
    let head = seal(log, stream, headOf(stream), events);
    head = seal(log, stream, head, decideRun(state, { kind: 'publish', endedAt: timeAt(run + 1), headHash: head.hash }));
    heads.set(stream, head);
    heads.set(
      'dataset-features',
      seal(log, 'dataset-features', headOf('dataset-features'), [
        {
          type: 'DatasetVersionCreated',
          data: {
            name: 'features',
            version: run + 1,
            ref: ref(1_000_000 + run, 'directory'),
            bytes: 1000 + run,
            files: 1,
            producedBy: runId,
            path: 'out/features',
          },
        },
      ]),
    );
    heads.set(
      'model-churn-model',
      seal(log, 'model-churn-model', headOf('model-churn-model'), [
        {
          type: 'ModelVersionCreated',
          data: {
            name: 'churn-model',
            version: run + 1,
            ref: ref(2_000_000 + run),
            producedBy: runId,
            framework: 'sklearn',
            path: 'out/model.pkl',
            metrics: { loss: Math.sin(run) },
          },
        },
      ]),
    );
  }
  return log;
}
