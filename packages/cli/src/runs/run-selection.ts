import { runsProjection, selectionQuery, type Dotscience, type RunPageRequest, type RunsState } from '@dotscience/sdk';
import { currentState } from '../projections/current-state.js';

export interface RunSelection {
  filter?: string;
  /** Order keys in the query language's `order by` syntax: "metrics.accuracy desc, params.depth". */
  sort?: string;
  /** Also the workload runs that wrap the runs their program recorded (hidden by default). */
  workloads?: boolean;
}

/** The whole runs projection (commands that need every run's state at once; read commands use the read model). */
export async function runsState(ds: Dotscience): Promise<RunsState> {
  return currentState(ds, runsProjection);
}

/** The read model request a selection means: its filter and sort as one query; wrapping workload runs only when asked. */
export function selectionRequest(selection: RunSelection): RunPageRequest {
  return { query: selectionQuery(selection.filter, selection.sort), ...(selection.workloads ? { workloads: true } : {}) };
}
