import { createHash, randomUUID } from 'node:crypto';
import { MAX_METRIC_BATCH_POINTS, eventSchemas, type EventData, type EventType, type JsonValue, type RecordedEvent, type VersionRef } from '../../src/index.js';
import { metricBatchCommands } from '../../src/application/metric-batch-builder.js';
import { InMemoryEventStore } from '../../src/testing/index.js';

export const digestOf = (content: string): string => `sha256:${createHash('sha256').update(content).digest('hex')}`;

export function versionRef(content: string, kind: VersionRef['kind'] = 'file'): VersionRef {
  return { store: 'fs', digest: digestOf(content), kind, bytes: content.length, files: 1 };
}

/** A metric point of a batch; `atMs` defaults to the history's current time. */
export interface BatchedPoint {
  name: string;
  value: JsonValue;
  step?: number;
  atMs?: number;
}

/**
 * A recorded history in an InMemoryEventStore whose clock advances one second
 * per append, with every payload checked against the catalogue's zod schemas.
 */
export class History {
  readonly store: InMemoryEventStore;
  private ticks = 0;

  constructor(readonly startsAt = Date.parse('2026-03-01T09:00:00.000Z')) {
    this.store = new InMemoryEventStore(() => this.timeAt(this.ticks++));
  }

  timeAt(tick: number): string {
    return new Date(this.startsAt + tick * 1000).toISOString();
  }

  async emit<T extends EventType>(stream: string, type: T, data: EventData<T>): Promise<RecordedEvent> {
    const payload = eventSchemas[type].parse(data) as EventData<T>;
    const result = await this.store.append(stream, [
      { id: randomUUID(), type, schemaVersion: 1, data: payload, meta: { actor: { user: 'ada', host: 'lab' } } },
    ]);
    return result.events[0]!;
  }

  start(runId: string, user = 'ada', projectId = 'churn'): Promise<RecordedEvent> {
    return this.emit(`run-${runId}`, 'RunStarted', {
      runId,
      projectId,
      mode: 'script',
      workload: { script: `${runId}.py` },
      codeVersion: { gitCommit: 'abc123', dirty: false },
      environment: { runtime: 'node 20', os: 'linux', host: 'lab', user },
      startedAt: this.timeAt(this.ticks),
    });
  }

  input(runId: string, dataset: string, content: string, path = `data/${dataset}`): Promise<RecordedEvent> {
    return this.emit(`run-${runId}`, 'InputDeclared', { path, dataset, version: versionRef(content) });
  }

  output(runId: string, dataset: string, content: string, path = `data/${dataset}`): Promise<RecordedEvent> {
    return this.emit(`run-${runId}`, 'OutputDeclared', { path, dataset, version: versionRef(content) });
  }

  datasetVersion(name: string, version: number, content: string, producedBy?: string): Promise<RecordedEvent> {
    const ref = versionRef(content);
    return this.emit(`dataset-${name}`, 'DatasetVersionCreated', {
      name,
      version,
      ref,
      bytes: ref.bytes,
      files: ref.files,
      path: `data/${name}`,
      ...(producedBy === undefined ? {} : { producedBy }),
    });
  }

  modelVersion(
    name: string,
    version: number,
    content: string,
    producedBy: string,
    metrics: EventData<'ModelVersionCreated'>['metrics'] = {},
  ): Promise<RecordedEvent> {
    return this.emit(`model-${name}`, 'ModelVersionCreated', {
      name,
      version,
      ref: versionRef(content, 'directory'),
      producedBy,
      framework: 'sklearn',
      path: `models/${name}`,
      metrics,
    });
  }

  metric(runId: string, name: string, value: EventData<'MetricRecorded'>['value'], step?: number, at = this.timeAt(this.ticks)): Promise<RecordedEvent> {
    return this.emit(`run-${runId}`, 'MetricRecorded', { name, value, at, ...(step === undefined ? {} : { step }) });
  }

  /** A batch of points as one MetricsRecorded event (built as the SDK builds it); a point without `atMs` is timed now. */
  metrics(runId: string, points: readonly BatchedPoint[]): Promise<RecordedEvent> {
    const now = Date.parse(this.timeAt(this.ticks));
    const [command, ...more] = metricBatchCommands({
      names: points.map((p) => p.name),
      values: points.map((p) => p.value),
      steps: points.map((p) => p.step),
      atMs: points.map((p) => p.atMs ?? now),
    });
    if (!command || more.length > 0) throw new Error(`a test batch holds 1 to ${MAX_METRIC_BATCH_POINTS} points, not ${points.length}`);
    const { kind: _kind, ...data } = command;
    return this.emit(`run-${runId}`, 'MetricsRecorded', data);
  }

  publish(runId: string, headHash: string): Promise<RecordedEvent> {
    return this.emit(`run-${runId}`, 'RunPublished', { endedAt: this.timeAt(this.ticks), headHash });
  }

  /** Publish with the seal the SDK would write: the run stream's head hash. */
  async publishRun(runId: string): Promise<RecordedEvent> {
    let head = '';
    for await (const e of this.store.readStream(`run-${runId}`)) head = e.hash;
    return this.publish(runId, head);
  }
}

/**
 * raw@1 (external) → prep (ada) → train@1, test@1 → train (bob) → churn model v1.
 */
export async function twoStagePipeline(history = new History()): Promise<History> {
  await history.datasetVersion('raw', 1, 'raw rows');
  await history.start('prep', 'ada');
  await history.input('prep', 'raw', 'raw rows');
  await history.output('prep', 'train', 'train rows');
  await history.output('prep', 'test', 'test rows');
  await history.datasetVersion('train', 1, 'train rows', 'prep');
  await history.datasetVersion('test', 1, 'test rows', 'prep');
  await history.publishRun('prep');
  await history.start('train', 'bob');
  await history.input('train', 'train', 'train rows');
  await history.metric('train', 'auc', 0.91, 1);
  await history.publishRun('train');
  await history.modelVersion('churn', 1, 'model weights', 'train', { auc: 0.91 });
  return history;
}
