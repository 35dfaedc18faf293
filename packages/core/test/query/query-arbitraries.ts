import fc from 'fast-check';
import {
  ATTRIBUTE_NAMES,
  DATA_PROPERTIES,
  isCollectionField,
  isTimeField,
  MODEL_PROPERTIES,
  type FieldRef,
  type Literal,
  type OrderKey,
  type Predicate,
} from '../../src/query/ast.js';
import { type Filter, type Query } from '../../src/index.js';

/** Names of every shape: quotes, backticks, dots, spaces, keywords, lone surrogates. */
const name = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
  fc.constantFrom('rmse', 'val.loss', 'min', 'loss.min', 'and', 'my-metric', 'it`s', "o'clock", '1', 'a b'),
);

export const fieldArbitrary: fc.Arbitrary<FieldRef> = fc.oneof(
  fc.record({ scope: fc.constantFrom('params' as const, 'labels' as const, 'summary' as const), key: name }),
  fc.record({
    scope: fc.constant('metrics' as const),
    key: name,
    aggregate: fc.constantFrom('last' as const, 'min' as const, 'max' as const, 'count' as const),
  }),
  fc.record({ scope: fc.constant('attributes' as const), key: fc.constantFrom(...ATTRIBUTE_NAMES) }),
  fc.record({ scope: fc.constantFrom('inputs' as const, 'outputs' as const), key: fc.constantFrom(...DATA_PROPERTIES) }),
  fc.record({ scope: fc.constant('models' as const), key: fc.constantFrom(...MODEL_PROPERTIES) }),
);

const literal: fc.Arbitrary<Literal> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom("it's", 'say "hi"', '100%', 'a\\_b', '', 'true', '3'),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
);

/** Timestamps compare with epoch milliseconds or ISO-8601 text only. */
const instant: fc.Arbitrary<Literal> = fc.oneof(
  fc.integer({ min: 0, max: 4_102_444_800_000 }),
  fc.date({ min: new Date(0), max: new Date('2100-01-01T00:00:00.000Z'), noInvalidDate: true }).map((d) => d.toISOString()),
);

/** What a query's leaves are drawn from: its fields, literals (times apart) and LIKE patterns. */
export interface QueryLeaves {
  field: fc.Arbitrary<FieldRef>;
  literal: fc.Arbitrary<Literal>;
  instant: fc.Arbitrary<Literal>;
  pattern: fc.Arbitrary<string>;
  escape: fc.Arbitrary<string>;
}

/** Filters and queries (with `order by` of up to 3 keys) over the given leaves. */
export function queryArbitraries(leaves: QueryLeaves): { filter: fc.Arbitrary<Filter>; query: fc.Arbitrary<Query> } {
  const literalFor = (field: FieldRef): fc.Arbitrary<Literal> => (isTimeField(field) ? leaves.instant : leaves.literal);
  const predicateArbitrary: fc.Arbitrary<Predicate> = leaves.field.chain((field) =>
    fc.oneof(
      fc.record({
        kind: fc.constant('compare' as const),
        field: fc.constant(field),
        op: fc.constantFrom('=' as const, '!=' as const, '<' as const, '<=' as const, '>' as const, '>=' as const),
        value: literalFor(field),
      }),
      fc.record({
        kind: fc.constant('in' as const),
        field: fc.constant(field),
        negated: fc.boolean(),
        values: fc.array(literalFor(field), { minLength: 1, maxLength: 4 }),
      }),
      fc.record({ kind: fc.constant('null' as const), field: fc.constant(field), negated: fc.boolean() }),
      fc.record({
        kind: fc.constant('like' as const),
        field: fc.constant(field),
        negated: fc.boolean(),
        caseInsensitive: fc.boolean(),
        pattern: leaves.pattern,
        escape: leaves.escape,
      }),
    ),
  );
  const { filter } = fc.letrec<{ filter: Filter; and: Filter; or: Filter; not: Filter }>((tie) => ({
    filter: fc.oneof({ depthSize: 'small' }, predicateArbitrary, tie('and'), tie('or'), tie('not')),
    and: fc.record({ kind: fc.constant('and' as const), left: tie('filter'), right: tie('filter') }),
    or: fc.record({ kind: fc.constant('or' as const), left: tie('filter'), right: tie('filter') }),
    not: fc.record({ kind: fc.constant('not' as const), operand: tie('filter') }),
  }));
  const orderKeyArbitrary: fc.Arbitrary<OrderKey> = fc.record({
    field: leaves.field.filter((f) => !isCollectionField(f)),
    direction: fc.constantFrom('asc' as const, 'desc' as const),
  });
  const query: fc.Arbitrary<Query> = fc.record({
    filter: fc.option(filter, { nil: null }),
    orderBy: fc.array(orderKeyArbitrary, { maxLength: 3 }),
  });
  return { filter, query };
}

export const { filter: filterArbitrary, query: queryArbitrary } = queryArbitraries({
  field: fieldArbitrary,
  literal,
  instant,
  pattern: fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.constantFrom('models/%', 'a\\%', '_x_', "%'%")),
  escape: fc.constantFrom('\\', '!', '', "'"),
});

/** Text built from the language's own pieces (and some that are not), to reach deep into the parser. */
export const queryishText: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc.constantFrom('metrics.rmse', 'params.`a-b`', 'tags."x"', 'attributes.status', 'inputs.path', 'run_id', 'metrics.loss.min', 'foo.bar', 'metrics.'),
      fc.constantFrom('and', 'OR', 'not', 'in', 'is', 'null', 'like', 'ILIKE', 'escape', 'order', 'by', 'asc', 'desc', 'true'),
      fc.constantFrom('=', '!=', '<>', '<', '<=', '>', '>=', '==', '(', ')', ',', '!', '`', '~'),
      fc.constantFrom("'tree'", '"x"', "'unterminated", "'a''b'", '1', '-2.5e3', '.5', '1e999', '12abc', '2026-01-01'),
      fc.string({ unit: 'binary', maxLength: 6 }),
    ),
    { maxLength: 12 },
  )
  .chain((parts) => fc.constantFrom(' ', '', '\n').map((sep) => parts.join(sep)));
