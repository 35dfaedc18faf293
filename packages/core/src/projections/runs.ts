import type { EventType } from '../events/catalogue.js';
import type { JsonValue } from '../events/json.js';
import { categoryOf, idOf } from '../events/streams.js';
import { ownEntry, putEntry } from './own-keys.js';
import { defineProjection, type ProjectedEvent, type ProjectionHandler } from './projection.js';
import type { DeclaredData, DeclaredModel, MetricAggregate, RunView } from './run-view.js';
import { runAnnotationHandlers } from './run-annotations.js';
import { applySummaryAsMetric, seriesSoFar, summaryIsMetric } from './summary-metrics.js';

/** runId → the current state of that run. */
export type { RunsState } from './run-view.js';
import type { RunsState } from './run-view.js';

/** A handler for an event of a run stream, given the run it belongs to (skipped when no RunStarted was seen). */
function onRun<T extends EventType>(apply: (run: RunView, event: ProjectedEvent<T>) => void): ProjectionHandler<RunsState, T> {
  return (state, event) => {
    if (categoryOf(event.stream) !== 'run') return state;
    const run = ownEntry(state, idOf(event.stream));
    if (!run) return state;
    apply(run, event);
    run.headHash = event.hash;
    run.lastRevision = event.revision;
    run.lastPosition = event.position;
    return state;
  };
}

function declare(list: DeclaredData[], data: DeclaredData): void {
  const duplicate = list.some(
    (d) => d.path === data.path && d.dataset === data.dataset && d.version.digest === data.version.digest && d.version.snapshotId === data.version.snapshotId,
  );
  if (duplicate) return;
  const declared: DeclaredData = { path: data.path, dataset: data.dataset, version: data.version };
  if (data.changedAfterPublish) declared.changedAfterPublish = data.changedAfterPublish;
  list.push(declared);
}

function aggregate(series: MetricAggregate | undefined, value: JsonValue, step: number | null): MetricAggregate {
  const numeric = typeof value === 'number' ? value : null;
  if (!series) return { last: value, min: numeric, max: numeric, count: 1, lastStep: step };
  series.last = value;
  series.count++;
  series.lastStep = step;
  if (numeric !== null) {
    series.min = series.min === null ? numeric : Math.min(series.min, numeric);
    series.max = series.max === null ? numeric : Math.max(series.max, numeric);
  }
  return series;
}

/**
 * Built-in `runs`: every run's current state (status running → published or
 * errored; an errored run stays errored when it is published). Metrics keep
 * aggregates (last recorded value, numeric min/max, count); the full series
 * is the `metricSeries` projection. A numeric summary value stands in as the
 * metric of its name while no series of that name exists, except a
 * workload's own exit code (summary-metrics.ts).
 */
export const runsProjection = defineProjection<RunsState>({
  name: 'runs',
  version: 6,
  initial: {},
  handlers: {
    RunStarted: (state, e) => {
      const d = e.data;
      putEntry(state, d.runId, {
        runId: d.runId,
        projectId: d.projectId,
        mode: d.mode,
        status: 'running',
        workload: d.workload,
        codeVersion: d.codeVersion,
        environment: d.environment,
        startedAt: d.startedAt,
        endedAt: null,
        description: null,
        parameters: {},
        metrics: {},
        summary: {},
        labels: {},
        inputs: [],
        outputs: [],
        models: [],
        error: null,
        headHash: e.hash,
        lastRevision: e.revision,
        lastPosition: e.position,
        startedPosition: e.position,
        ...(d.rerunOf === undefined ? {} : { rerunOf: d.rerunOf }),
      });
      return state;
    },
    RunDescribed: onRun((run, e) => {
      run.description = e.data.description;
    }),
    InputDeclared: onRun((run, e) => declare(run.inputs, e.data)),
    OutputDeclared: onRun((run, e) => declare(run.outputs, e.data)),
    ParameterRecorded: onRun((run, e) => {
      putEntry(run.parameters, e.data.name, e.data.value);
    }),
    MetricRecorded: onRun((run, e) => {
      const { name, value, step } = e.data;
      putEntry(run.metrics, name, aggregate(seriesSoFar(run.metrics, name), value, step ?? null));
    }),
    MetricsRecorded: onRun((run, e) => {
      for (const series of e.data.series) {
        const { name, values, steps } = series;
        let aggregated = seriesSoFar(run.metrics, name);
        for (let i = 0; i < values.length; i++) aggregated = aggregate(aggregated, values[i]!, steps?.[i] ?? null);
        putEntry(run.metrics, name, aggregated!);
      }
    }),
    SummaryRecorded: onRun((run, e) => {
      putEntry(run.summary, e.data.name, e.data.value);
      if (summaryIsMetric(run, e.data.name)) applySummaryAsMetric(run.metrics, e.data.name, e.data.value);
    }),
    LabelAdded: onRun((run, e) => {
      putEntry(run.labels, e.data.name, e.data.value);
    }),
    ModelDeclared: onRun((run, e) => {
      const { name, path, framework, version, extra } = e.data;
      const model: DeclaredModel = { name, path };
      if (framework !== undefined) model.framework = framework;
      if (version !== undefined) model.version = version;
      if (extra !== undefined) model.extra = extra;
      run.models.push(model);
    }),
    RunErrored: onRun((run, e) => {
      run.status = 'errored';
      run.error = e.data.detail === undefined ? { message: e.data.message } : { message: e.data.message, detail: e.data.detail };
    }),
    RunAbandoned: onRun((run, e) => {
      run.status = 'abandoned';
      run.abandoned = { reason: e.data.reason, at: e.data.at };
    }),
    RunPublished: onRun((run, e) => {
      run.status = run.error ? 'errored' : 'published';
      run.endedAt = e.data.endedAt;
      if (e.data.missing) run.missing = e.data.missing;
    }),
    ...runAnnotationHandlers,
  },
});
