import type { DeclaredDataPath } from '../projections/run-data-paths.js';
import type { RunView } from '../projections/run-view.js';
import type { Query } from '../query/ast.js';

/** One page of the runs a query selects, in its order. */
export interface RunPage {
  runs: RunView[];
  /** How many runs the query selects in all (the page is `offset`… of them). */
  total: number;
  offset: number;
}

export interface RunPageRequest {
  query: Query;
  /** At most this many runs; absent: all of them. */
  limit?: number;
  offset?: number;
  /** Also the workload runs wrapping runs their program recorded (hidden by default, as `withoutWrappingWorkloads`). */
  workloads?: boolean;
  /** Also archived runs (hidden by default); deleted runs are never listed. */
  archived?: boolean;
}

/** What bringing a read model up to date with the log did. */
export interface ReadModelCatchUp {
  /** Events read from the log (the tail since the read model's checkpoint, or the whole log on a rebuild). */
  read: number;
  /** Global position of the last event the read model reflects; -1 for an empty log. */
  position: number;
  /** 'resumed' from a checkpoint that matches the log, or 'rebuilt' from position 0. */
  origin: 'resumed' | 'rebuilt';
  /** One line for the user when the read model was discarded (missing, or taken on another log). */
  notice?: string;
  /** Stored events the catalogue refuses, passed over (as the projection runner does). */
  skipped: Array<{ stream: string; revision: number; type: string; reason: string; position?: number }>;
}

/**
 * The built-in runs projection materialized in an indexed store (DESIGN §5,
 * docs/decisions.md "An indexed read model"): a read command catches it up
 * from the log's tail and answers with an indexed query instead of rebuilding
 * the whole state. Its answers are the runs projection's and the closure query
 * evaluator's (`runQuery`), which stay the reference semantics.
 */
export interface RunReadModel {
  catchUp(): Promise<ReadModelCatchUp>;
  /** One page of the runs a query selects. Throws QueryFieldError for a query that names an unknown metric aggregate or cannot match. */
  runs(request: RunPageRequest): Promise<RunPage>;
  /** Every run a query selects, in its order, a page at a time (constant memory for `--json` of 100k runs). */
  eachRun(request: RunPageRequest): AsyncIterable<RunView>;
  /** The ids of runs that start with `prefix` (at most `max`, in id order) and how many there are in all. */
  runIdsStartingWith(prefix: string, max: number): Promise<{ ids: string[]; total: number }>;
  run(runId: string): Promise<RunView | undefined>;
  /** How many leading characters of a run id tell every recorded run apart (at least 8). */
  distinctPrefixLength(): Promise<number>;
  /**
   * Every path any run declared as data (`declaredDataPathsOf`), deleted and archived runs'
   * too, without repeats, as `distinctDataPaths` orders them: what `ds run` leaves out of a
   * workload's code, without loading every run.
   */
  declaredDataPaths(): Promise<DeclaredDataPath[]>;
  /**
   * The runs a `ds run` workload recorded: every run whose `workload.workloadId` is `workloadId`
   * (the workload run itself too, when it names itself), deleted and archived ones included, in
   * the order they started (`startedPosition`). What `ds reproduce` and `ds rerun` restore and re-run.
   */
  runsOfWorkload(workloadId: string): Promise<RunView[]>;
  /** How many runs each project holds, deleted and archived ones too, by project id (`ds projects`). */
  runsPerProject(): Promise<Map<string, number>>;
  close(): Promise<void>;
}

export const RunReadModel = Symbol.for('dotscience.RunReadModel');
