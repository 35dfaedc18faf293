import { parseQuery, runQuery, runsProjection, type Query, type RunView, type RunsState } from '@dotscience/core';
import type { Dotscience } from '@dotscience/sdk';
import { currentState } from '../projections/current-state.js';

export interface RunSelection {
  filter?: string;
  /** Order keys in the query language's `order by` syntax: "metrics.accuracy desc, params.depth". */
  sort?: string;
  limit?: number;
}

/**
 * The query a selection means: the filter (which may carry its own `order by`),
 * with --sort's keys first. Each part is parsed on its own so a parse error's
 * column points into the text the user typed for that option.
 */
export function selectionQuery(selection: RunSelection): Query {
  const filter = parseQuery(selection.filter ?? '');
  if (selection.sort === undefined || selection.sort.trim() === '') return filter;
  const sortText = selection.sort.trim();
  const sort = parseQuery(/^order\s+by\b/i.test(sortText) ? sortText : `order by ${sortText}`);
  return { filter: filter.filter, orderBy: [...sort.orderBy, ...filter.orderBy] };
}

export async function runsState(ds: Dotscience): Promise<RunsState> {
  return currentState(ds, runsProjection);
}

/** The runs a selection picks, in its order (newest first by default). */
export async function selectRuns(ds: Dotscience, selection: RunSelection): Promise<{ runs: RunView[]; all: RunsState }> {
  const all = await runsState(ds);
  const query = selectionQuery(selection);
  const runs = runQuery(Object.values(all), query, selection.limit === undefined ? {} : { limit: selection.limit });
  return { runs, all };
}
