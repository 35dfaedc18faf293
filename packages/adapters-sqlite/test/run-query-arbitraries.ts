import fc from 'fast-check';
import { ATTRIBUTE_NAMES, DATA_PROPERTIES, MODEL_PROPERTIES, type FieldRef } from '@dotscience/core/store-kit';
import type { Literal } from '../../core/src/query/ast.js';
import { queryArbitraries } from '../../core/test/query/query-arbitraries.js';
import { INSTANTS, KEYS, TEXTS } from './run-history.js';

const key = fc.constantFrom(...KEYS, 'exitCode', 'absent', 'loss.mean');

const field: fc.Arbitrary<FieldRef> = fc.oneof(
  fc.record({ scope: fc.constantFrom('params' as const, 'labels' as const, 'summary' as const), key }),
  fc.record({ scope: fc.constant('metrics' as const), key, aggregate: fc.constantFrom('last' as const, 'min' as const, 'max' as const, 'count' as const) }),
  fc.record({ scope: fc.constant('attributes' as const), key: fc.constantFrom(...ATTRIBUTE_NAMES) }),
  fc.record({ scope: fc.constantFrom('inputs' as const, 'outputs' as const), key: fc.constantFrom(...DATA_PROPERTIES) }),
  fc.record({ scope: fc.constant('models' as const), key: fc.constantFrom(...MODEL_PROPERTIES) }),
);

const literal: fc.Arbitrary<Literal> = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.constantFrom(0.5, 0.9, 0.95, 1e-3, 10, 100),
  fc.constantFrom('3', '0.95', ' 0.5', 'abc', 'true', 'TRUE', 'published', 'Errored', 'running', 'script', 'file', 'sklearn', 'clf', 'train', 'ada', 'abc123'),
  fc.constantFrom(...TEXTS),
  fc.constantFrom(`sha256:${'a'.repeat(64)}`, '0190'),
  fc.boolean(),
);

/** Queries over the keys and values the generated runs use, with a page of their answer. */
export const pagedQueryArbitrary = fc.record({
  query: queryArbitraries({
    field,
    literal,
    instant: fc.oneof(fc.constantFrom(...INSTANTS), fc.constant(Date.parse(INSTANTS[1]))),
    pattern: fc.constantFrom('%', 't%', '%E%', '_', 'data/%', '100\\%', 'a!_b', '%0.9%', 'PUB%'),
    escape: fc.constantFrom('\\', '!', ''),
  }).query,
  limit: fc.option(fc.nat(6), { nil: undefined }),
  offset: fc.option(fc.nat(4), { nil: undefined }),
  workloads: fc.boolean(),
});
