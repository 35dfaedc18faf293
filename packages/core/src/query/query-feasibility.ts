import { DotscienceError } from '../errors/store-errors.js';
import type { FieldRef, Filter, Literal, MetricAggregateName, Predicate, Query } from './ast.js';
import { printField } from './query-printer.js';
import { asInstant } from './value-comparison.js';
import { RUN_STATUSES } from '../projections/run-view.js';

/** A query that names a field it cannot mean, or compares a field with a value it can never hold. */
export class QueryFieldError extends DotscienceError {
  readonly code = 'QUERY_FIELD';
  constructor(
    /** The field as written back in the query language (`metrics.loss.mean`). */
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

const AGGREGATES: readonly MetricAggregateName[] = ['last', 'min', 'max', 'count'];

/** The values an enumerated attribute can hold; comparing it for equality with anything else cannot match. */
const ENUMERATED: Record<string, readonly string[]> = {
  status: RUN_STATUSES,
  mode: ['script', 'interactive'],
};

function predicates(filter: Filter | null, into: Predicate[] = []): Predicate[] {
  if (filter === null) return into;
  if (filter.kind === 'and' || filter.kind === 'or') {
    predicates(filter.left, into);
    predicates(filter.right, into);
  } else if (filter.kind === 'not') predicates(filter.operand, into);
  else into.push(filter);
  return into;
}

function literalsOf(predicate: Predicate): Literal[] {
  return predicate.kind === 'compare' ? [predicate.value] : predicate.kind === 'in' ? predicate.values : [];
}

function checkMetricAggregate(field: FieldRef, hasMetric: (name: string) => boolean): void {
  if (field.scope !== 'metrics') return;
  const dot = field.key.lastIndexOf('.');
  const series = field.key.slice(0, dot);
  const aggregate = field.key.slice(dot + 1);
  if (dot > 0 && !hasMetric(field.key) && hasMetric(series)) {
    throw new QueryFieldError(
      `metrics.${field.key}`,
      `no aggregate '${aggregate}' of metric ${series}; the aggregates are ${AGGREGATES.join(', ')} (e.g. metrics.${series}.max)`,
    );
  }
}

function checkPredicate(predicate: Predicate, hasMetric: (name: string) => boolean): void {
  const { field } = predicate;
  checkMetricAggregate(field, hasMetric);
  if (field.scope !== 'attributes') return;
  const equality = predicate.kind === 'in' || (predicate.kind === 'compare' && (predicate.op === '=' || predicate.op === '!='));
  for (const literal of literalsOf(predicate)) {
    if ((field.key === 'started_at' || field.key === 'ended_at') && asInstant(literal) === undefined) {
      throw new QueryFieldError(
        printField(field),
        `${JSON.stringify(literal)} is not a time; give an ISO-8601 time ('2026-12-01T10:00:00Z') or epoch milliseconds`,
      );
    }
    const valid = ENUMERATED[field.key];
    if (valid !== undefined && equality && !valid.includes(String(literal).toLowerCase())) {
      throw new QueryFieldError(printField(field), `no run can have ${field.key} ${JSON.stringify(literal)}; the values are ${valid.join(', ')}`);
    }
  }
}

/**
 * Refuses what would otherwise be a silently empty answer: an aggregate of a
 * metric that does not exist (`metrics.loss.mean` where runs record `loss` and
 * no metric is named `loss.mean`), a time attribute compared with text that is
 * no time, and status / mode compared with a value no run can have.
 * `hasMetric` tells whether any run records a metric of that name.
 */
export function checkQueryFields(query: Query, hasMetric: (name: string) => boolean): void {
  for (const predicate of predicates(query.filter)) checkPredicate(predicate, hasMetric);
  for (const key of query.orderBy) checkMetricAggregate(key.field, hasMetric);
}
