import { z } from 'zod';
import { parseInput } from '../errors/parse-input.js';
import type { RunView } from '../projections/run-view.js';
import type { Query } from './ast.js';
import { compileQuery } from './query-compiler.js';
import { sortRuns } from './query-order.js';
import { parseQuery } from './query-parser.js';

export const RunQueryOptionsSchema = z.object({
  /** At most this many runs (after offset). */
  limit: z.number().int().nonnegative().optional(),
  /** Skip this many runs of the sorted result first. */
  offset: z.number().int().nonnegative().optional(),
});
export type RunQueryOptions = z.infer<typeof RunQueryOptionsSchema>;

/**
 * The runs a query selects, in its `order by` (ties and queries without one:
 * newest first, then by run id), one page of them. Throws QueryParseError for
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
