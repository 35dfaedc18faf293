import { runQuery, runsProjection, selectionQuery, withoutWrappingWorkloads, type Dotscience, type RunsState, type RunView } from '@dotscience/sdk';
import { currentState } from '../projections/current-state.js';

export interface RunSelection {
  filter?: string;
  /** Order keys in the query language's `order by` syntax: "metrics.accuracy desc, params.depth". */
  sort?: string;
  limit?: number;
  /** Also the workload runs that wrap the runs their program recorded (hidden by default). */
  workloads?: boolean;
  /** Also the archived runs (hidden by default; deleted runs are never listed). */
  archived?: boolean;
}

export async function runsState(ds: Dotscience): Promise<RunsState> {
  return currentState(ds, runsProjection);
}

/** The runs a selection picks, in its order (newest first by default); wrapping workload runs and archived runs only when asked, deleted runs never. */
export async function selectRuns(ds: Dotscience, selection: RunSelection): Promise<{ runs: RunView[]; all: RunsState }> {
  const all = await runsState(ds);
  const query = selectionQuery(selection.filter, selection.sort);
  const listed = Object.values(all).filter((run) => !run.deleted && (selection.archived || !run.archived));
  const candidates = selection.workloads ? listed : withoutWrappingWorkloads(listed);
  const runs = runQuery(candidates, query, selection.limit === undefined ? {} : { limit: selection.limit });
  return { runs, all };
}
