import { InvalidInputError } from '../errors/store-errors.js';
import type { RunView } from '../projections/run-view.js';
import type { OrderKey } from './ast.js';
import { fieldAccess, type Domain, type FieldValue } from './field-access.js';
import { asNumber } from '../projections/summary-metrics.js';
import { asInstant, asText } from './value-comparison.js';

type SortValue = number | string | null;

/** A value as it sorts: numbers (and numeric strings) before text, missing values as null. */
function sortValue(value: FieldValue, domain: Domain): SortValue {
  if (value === undefined || value === null) return null;
  switch (domain) {
    case 'time':
      return asInstant(value) ?? asText(value);
    case 'text':
      return asText(value);
    case 'enum':
      return asText(value).toLowerCase();
    case 'json':
      return asNumber(value) ?? asText(value);
  }
}

/** Nulls last whatever the direction; numbers before strings; strings by code unit (locale-independent). */
function compareSortValues(a: SortValue, b: SortValue, descending: boolean): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  const c = typeof a === typeof b ? (a < b ? -1 : a > b ? 1 : 0) : typeof a === 'number' ? -1 : 1;
  return descending ? -c : c;
}

/** MLflow's default order, also the tie-break after the query's own keys: newest first. */
const DEFAULT_ORDER: OrderKey[] = [{ field: { scope: 'attributes', key: 'started_at' }, direction: 'desc' }];

/** Runs started in the same millisecond: the one whose RunStarted is later in the log first (newest first), then by run id. */
function byStartPosition(x: RunView, y: RunView): number {
  const c = y.startedPosition - x.startedPosition;
  return c !== 0 ? c : x.runId < y.runId ? -1 : x.runId > y.runId ? 1 : 0;
}

/** Sorts runs by the keys (each read once per run), ties broken by start time and start position (newest first), then run id. */
export function sortRuns(runs: readonly RunView[], orderBy: readonly OrderKey[]): RunView[] {
  const keys = [...orderBy, ...DEFAULT_ORDER].map(({ field, direction }, i) => {
    const { read, domain } = fieldAccess(field);
    if (read === null) {
      throw new InvalidInputError('run query', [
        {
          path: `orderBy.${i}.field`,
          message: `cannot order by ${field.scope}.${field.key}: a run can have many ${field.scope}; order by a field with one value per run`,
        },
      ]);
    }
    return { read, domain, descending: direction === 'desc' };
  });
  const decorated = runs.map((run) => ({ run, values: keys.map((k) => sortValue(k.read(run), k.domain)) }));
  decorated.sort((x, y) => {
    for (let i = 0; i < keys.length; i++) {
      const c = compareSortValues(x.values[i]!, y.values[i]!, keys[i]!.descending);
      if (c !== 0) return c;
    }
    return byStartPosition(x.run, y.run);
  });
  return decorated.map((d) => d.run);
}
