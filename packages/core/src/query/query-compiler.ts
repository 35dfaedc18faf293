import type { RunView } from '../projections/run-view.js';
import type { Filter, Predicate, Query } from './ast.js';
import { fieldAccess, type Domain, type FieldValue } from './field-access.js';
import { parseQuery } from './query-parser.js';
import { comparisonTest, likeTest, membershipTest, present } from './value-comparison.js';

export type RunPredicate = (run: RunView) => boolean;

/**
 * Compiles a query's filter to one closure per node, so evaluating a run is a
 * handful of calls and no tree walking. The empty filter matches every run.
 * NOT is plain negation: `not metrics.x = 1` matches runs without metrics.x,
 * `metrics.x != 1` does not (a missing value satisfies no comparison).
 */
export function compileQuery(query: Query | string): RunPredicate {
  const { filter } = typeof query === 'string' ? parseQuery(query) : query;
  return filter === null ? () => true : compileFilter(filter);
}

function compileFilter(filter: Filter): RunPredicate {
  switch (filter.kind) {
    case 'and': {
      const left = compileFilter(filter.left);
      const right = compileFilter(filter.right);
      return (run) => left(run) && right(run);
    }
    case 'or': {
      const left = compileFilter(filter.left);
      const right = compileFilter(filter.right);
      return (run) => left(run) || right(run);
    }
    case 'not': {
      const operand = compileFilter(filter.operand);
      return (run) => !operand(run);
    }
    default:
      return compilePredicate(filter);
  }
}

/** Predicates on inputs, outputs and models are existential: true when any one of them passes. */
function compilePredicate(predicate: Predicate): RunPredicate {
  const { exists, domain } = fieldAccess(predicate.field);
  const test = valueTest(predicate, domain);
  if (predicate.kind === 'null' && !predicate.negated) return (run) => !exists(run, test);
  return (run) => exists(run, test);
}

/** The test one value of the predicate's field must pass (a missing value passes none, IS NULL aside: see compilePredicate). */
export function valueTest(predicate: Predicate, domain: Domain): (value: FieldValue) => boolean {
  switch (predicate.kind) {
    case 'compare':
      return comparisonTest(predicate.op, predicate.value, domain);
    case 'in':
      return membershipTest(predicate.values, predicate.negated, domain);
    case 'like':
      return likeTest(predicate.pattern, predicate.escape, predicate.caseInsensitive, predicate.negated, domain);
    case 'null':
      return present;
  }
}
