import { z } from 'zod';
import { parseInput } from '../errors/parse-input.js';
import type { RunView } from '../projections/run-view.js';
import type { Query } from './ast.js';
import { compileQuery } from './query-compiler.js';
import { sortRuns } from './query-order.js';
import { parseQuery, parseSortKeys } from './query-parser.js';

export const RunQueryOptionsSchema = z.object({
  /** At most this many runs (after offset). */
  limit: z.number().int().nonnegative().optional(),
  /** Skip this many runs of the sorted result first. */
  offset: z.number().int().nonnegative().optional(),
});
export type RunQueryOptions = z.infer<typeof RunQueryOptionsSchema>;

/**
 * The runs a query selects, in its `order by` (ties and queries without one:
 * newest first — by start time, then by the RunStarted's log position — then
 * by run id), one page of them. Throws QueryParseError for
 * a malformed query and InvalidInputError for a bad limit / offset.
 */
export function runQuery(runs: Iterable<RunView>, query: string | Query, options: RunQueryOptions = {}): RunView[] {
  const { limit, offset = 0 } = parseInput(RunQueryOptionsSchema, options, 'run query options');
  const parsed = typeof query === 'string' ? parseQuery(query) : query;
  const matches = compileQuery(parsed);
  const selected: RunView[] = [];
  for (const run of runs) if (matches(run)) selected.push(run);
  const sorted = sortRuns(selected, parsed.orderBy);
  return sorted.slice(offset, limit === undefined ? undefined : offset + limit);
}

/**
 * The query a filter and a sort option mean together: the filter (which may
 * end in its own ORDER BY) with the sort's keys first. Each is parsed on its
 * own, so a QueryParseError's column points into the text given for it and
 * says whether it was the filter or the sort.
 */
export function selectionQuery(filter: string | undefined, sort: string | undefined): Query {
  const parsed = parseQuery(filter ?? '');
  const keys = parseSortKeys(sort ?? '');
  return keys.length === 0 ? parsed : { filter: parsed.filter, orderBy: [...keys, ...parsed.orderBy] };
}
