import type { ChangedAfterPublish, CodeVersion, EnvironmentInfo, MissingData, VersionRef, Workload } from '../events/catalogue.js';
import type { JsonValue } from '../events/json.js';

/** Aggregates of one metric series, kept by the runs projection (full series: metric-series projection). */
export interface MetricAggregate {
  /** Last recorded value (numbers and JSON alike). */
  last: JsonValue;
  /** Min / max over the numeric values of the series; null when none is numeric. */
  min: number | null;
  max: number | null;
  count: number;
  lastStep: number | null;
  /**
   * 'summary' when the run recorded no series of this name and this is its
   * summary value read as a number (the original library's metrics): one
   * point, last = min = max. Absent for a recorded series.
   */
  source?: 'summary';
}

export interface DeclaredData {
  path: string;
  dataset: string;
  version: VersionRef;
  /** The path was modified after the run was published: the version may hold later bytes. */
  changedAfterPublish?: ChangedAfterPublish;
}

export interface DeclaredModel {
  name: string;
  path: string;
  framework?: string;
  version?: VersionRef;
  extra?: Record<string, JsonValue>;
}

/** Every status a run can have, in lifecycle order. */
export const RUN_STATUSES = ['running', 'published', 'errored', 'abandoned'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** The current state of one run, as the runs projection derives it. The query language evaluates over this. */
export interface RunView {
  runId: string;
  projectId: string;
  mode: 'script' | 'interactive';
  status: RunStatus;
  workload: Workload;
  codeVersion: CodeVersion;
  environment: EnvironmentInfo;
  startedAt: string;
  endedAt: string | null;
  description: string | null;
  parameters: Record<string, JsonValue>;
  metrics: Record<string, MetricAggregate>;
  summary: Record<string, JsonValue>;
  labels: Record<string, string>;
  inputs: DeclaredData[];
  outputs: DeclaredData[];
  models: DeclaredModel[];
  error: { message: string; detail?: JsonValue } | null;
  /** Declared inputs/outputs that held nothing to capture at publish (absent when none). */
  missing?: MissingData[];
  /** Hash of the run stream's head; after publish, the seal. */
  headHash: string;
  lastRevision: number;
  lastPosition: number;
  /** Global position of the run's RunStarted: the order runs started in, where their start times tie. */
  startedPosition: number;
  /** The run this one re-executes (`ds rerun`); absent for an original run. */
  rerunOf?: string;
  /** Why and when the run was found abandoned (status 'abandoned'); absent otherwise. */
  abandoned?: { reason: string; at: string };
  /** Tags set after the fact (runmeta stream; absent when none were ever set). */
  tags?: Record<string, string>;
  /** Notes added after the fact, oldest first (absent when none). */
  notes?: RunNote[];
  /** Hidden from `ds runs` unless asked for (absent: never archived). */
  archived?: boolean;
  /** Deleted: hidden, its data collectable unless other runs use it; who and why stay (absent: not deleted). */
  deleted?: { reason: string; at: string; by: string | null };
}

export interface RunNote {
  note: string;
  at: string;
  by: string | null;
}

/** Run id → its view: the runs projection's state. */
export type RunsState = Record<string, RunView>;
