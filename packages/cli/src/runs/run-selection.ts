import { runQuery, runsProjection, selectionQuery, type RunView, type RunsState } from '@dotscience/core';
import type { Dotscience } from '@dotscience/sdk';
import { currentState } from '../projections/current-state.js';

export interface RunSelection {
  filter?: string;
  /** Order keys in the query language's `order by` syntax: "metrics.accuracy desc, params.depth". */
  sort?: string;
  limit?: number;
}

export async function runsState(ds: Dotscience): Promise<RunsState> {
  return currentState(ds, runsProjection);
}

/** The runs a selection picks, in its order (newest first by default). */
export async function selectRuns(ds: Dotscience, selection: RunSelection): Promise<{ runs: RunView[]; all: RunsState }> {
  const all = await runsState(ds);
  const query = selectionQuery(selection.filter, selection.sort);
  const runs = runQuery(Object.values(all), query, selection.limit === undefined ? {} : { limit: selection.limit });
  return { runs, all };
}
