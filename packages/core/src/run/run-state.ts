import type { VersionRef } from '../events/catalogue.js';
import type { JsonValue } from '../events/json.js';
import { putEntry } from '../projections/own-keys.js';

/** Where a run is in its lifecycle: it is started once and published (sealed) once, or abandoned when its writer is gone. */
export type RunLifecycle = 'not-started' | 'running' | 'published' | 'abandoned';

/** A recorded JSON value together with its canonical JSON text, for cheap equality checks. */
export interface RecordedValue {
  readonly value: JsonValue;
  readonly canonical: string;
}

/** What the rules need to know about one metric series. */
export interface MetricSeriesHead {
  /** The last value appended to the series. */
  readonly last: JsonValue;
  /** The highest step recorded so far; null while no point carried a step. */
  readonly lastStep: number | null;
}

export interface RecordedData {
  readonly path: string;
  readonly dataset: string;
  readonly version: VersionRef;
}

/**
 * The state of one run as its stream's events build it (DESIGN §2). It is
 * read-only for everyone: `evolveRun` returns a new state and leaves the one it
 * was given untouched (maps are copied on first write, once per call).
 */
export interface RunState {
  readonly runId: string;
  readonly lifecycle: RunLifecycle;
  readonly projectId: string | null;
  readonly startedAt: string | null;
  readonly publishedAt: string | null;
  /** Set by RunErrored; an errored run may still be published (it stays errored). */
  readonly errored: boolean;
  readonly description: string | null;
  readonly parameters: ReadonlyMap<string, RecordedValue>;
  readonly metrics: ReadonlyMap<string, MetricSeriesHead>;
  readonly summaries: ReadonlyMap<string, RecordedValue>;
  readonly labels: ReadonlyMap<string, string>;
  /** Declared inputs by path; a path read at several versions lists each. */
  readonly inputs: ReadonlyMap<string, readonly RecordedData[]>;
  readonly outputs: ReadonlyMap<string, RecordedData>;
  /** Declared models by name, with the canonical JSON of their declaration. */
  readonly models: ReadonlyMap<string, RecordedValue>;
  /** Number of events in the run stream so far (= the revision the next event gets). */
  readonly eventCount: number;
}

/**
 * A shallow copy of `state`, field by field: on Node 20 a spread of this many fields costs V8
 * ~0.2 µs against ~15 ns for a literal, and one is made for each append the gate admits and each
 * `evolveRun`.
 */
export function copyOfRunState(state: RunState): RunState {
  return {
    runId: state.runId,
    lifecycle: state.lifecycle,
    projectId: state.projectId,
    startedAt: state.startedAt,
    publishedAt: state.publishedAt,
    errored: state.errored,
    description: state.description,
    parameters: state.parameters,
    metrics: state.metrics,
    summaries: state.summaries,
    labels: state.labels,
    inputs: state.inputs,
    outputs: state.outputs,
    models: state.models,
    eventCount: state.eventCount,
  };
}

export function initialRunState(runId: string): RunState {
  return {
    runId,
    lifecycle: 'not-started',
    projectId: null,
    startedAt: null,
    publishedAt: null,
    errored: false,
    description: null,
    parameters: new Map(),
    metrics: new Map(),
    summaries: new Map(),
    labels: new Map(),
    inputs: new Map(),
    outputs: new Map(),
    models: new Map(),
    eventCount: 0,
  };
}

/**
 * The values a model version records as "metrics at publish": the last value of
 * every metric series, then every summary value (a summary is the user's explicit
 * final figure, so it wins over a series of the same name).
 */
export function metricsAtPublish(state: RunState): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [name, head] of state.metrics) putEntry(out, name, head.last);
  for (const [name, summary] of state.summaries) putEntry(out, name, summary.value);
  return out;
}
