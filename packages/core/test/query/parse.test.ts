import { describe, expect, it } from 'vitest';
import {
  compileQuery,
  DotscienceError,
  MAX_QUERY_CONDITIONS,
  MAX_QUERY_NESTING,
  parseQuery,
  parseSortKeys,
  printQuery,
  QueryParseError,
  selectionQuery,
  type Filter,
} from '../../src/index.js';
import { printField } from '../../src/query/query-printer.js';
import { aRun } from './run-view-builder.js';

const filterOf = (text: string): Filter | null => parseQuery(text).filter;

describe('MLflow search_runs syntax', () => {
  it('parses MLflow examples into comparisons joined by AND', () => {
    expect(parseQuery("metrics.rmse < 1 and params.model = 'tree'")).toEqual({
      filter: {
        kind: 'and',
        left: { kind: 'compare', field: { scope: 'metrics', key: 'rmse', aggregate: 'last' }, op: '<', value: 1 },
        right: { kind: 'compare', field: { scope: 'params', key: 'model' }, op: '=', value: 'tree' },
      },
      orderBy: [],
    });
  });

  it.each([
    ["tags.team = 'x'", { scope: 'labels', key: 'team' }],
    ["tag.team = 'x'", { scope: 'labels', key: 'team' }],
    ["labels.team = 'x'", { scope: 'labels', key: 'team' }],
    ["param.model = 'x'", { scope: 'params', key: 'model' }],
    ["parameters.model = 'x'", { scope: 'params', key: 'model' }],
    ['metric.rmse = 1', { scope: 'metrics', key: 'rmse', aggregate: 'last' }],
    ["attributes.status = 'x'", { scope: 'attributes', key: 'status' }],
    ['attribute.start_time = 0', { scope: 'attributes', key: 'started_at' }],
    ["attr.end_time = '2026-01-01'", { scope: 'attributes', key: 'ended_at' }],
    ["run.run_uuid = 'x'", { scope: 'attributes', key: 'run_id' }],
    ["run_id = 'x'", { scope: 'attributes', key: 'run_id' }],
    ["status = 'x'", { scope: 'attributes', key: 'status' }],
    ["attributes.gitCommit = 'x'", { scope: 'attributes', key: 'git_commit' }],
    ['metrics.`my-metric` = 1', { scope: 'metrics', key: 'my-metric', aggregate: 'last' }],
    ['metrics."my metric" = 1', { scope: 'metrics', key: 'my metric', aggregate: 'last' }],
    ["tags.`mlflow.source.name` = 'x'", { scope: 'labels', key: 'mlflow.source.name' }],
    ["tags.mlflow.source.name = 'x'", { scope: 'labels', key: 'mlflow.source.name' }],
    ["params.`it``s` = 'x'", { scope: 'params', key: 'it`s' }],
    ['metrics.loss.min = 1', { scope: 'metrics', key: 'loss', aggregate: 'min' }],
    ['metrics.loss.MAX = 1', { scope: 'metrics', key: 'loss', aggregate: 'max' }],
    ['metrics.loss.count = 1', { scope: 'metrics', key: 'loss', aggregate: 'count' }],
    ['metrics.loss.last = 1', { scope: 'metrics', key: 'loss', aggregate: 'last' }],
    ['metrics.`my-metric`.min = 1', { scope: 'metrics', key: 'my-metric', aggregate: 'min' }],
    ['metrics.`loss.min` = 1', { scope: 'metrics', key: 'loss.min', aggregate: 'last' }],
    ['metrics.val.loss = 1', { scope: 'metrics', key: 'val.loss', aggregate: 'last' }],
    ['metrics.val.loss.max = 1', { scope: 'metrics', key: 'val.loss', aggregate: 'max' }],
    ['metrics.min = 1', { scope: 'metrics', key: 'min', aggregate: 'last' }],
    ["summary.best = 'x'", { scope: 'summary', key: 'best' }],
    ["inputs.path = 'x'", { scope: 'inputs', key: 'path' }],
    ["datasets.name = 'x'", { scope: 'inputs', key: 'dataset' }],
    ["outputs.digest = 'x'", { scope: 'outputs', key: 'digest' }],
    ["models.name = 'x'", { scope: 'models', key: 'name' }],
    ["PARAMS.model = 'x'", { scope: 'params', key: 'model' }],
  ])('%s names the field %j', (text, field) => {
    expect(filterOf(text)).toMatchObject({ kind: 'compare', field });
  });

  it('reads single- and double-quoted strings with doubled quotes, and keeps backslashes for LIKE', () => {
    expect(filterOf("params.a = 'it''s'")).toMatchObject({ value: "it's" });
    expect(filterOf('params.a = "say ""hi"""')).toMatchObject({ value: 'say "hi"' });
    expect(filterOf("params.a = 'C:\\data'")).toMatchObject({ value: 'C:\\data' });
  });

  it('reads numbers with signs, fractions and exponents, and true / false', () => {
    expect(filterOf('metrics.a > -1.5e-3')).toMatchObject({ value: -0.0015 });
    expect(filterOf('metrics.a > .5')).toMatchObject({ value: 0.5 });
    expect(filterOf('metrics.a > +2')).toMatchObject({ value: 2 });
    expect(filterOf('params.a = TRUE')).toMatchObject({ value: true });
  });

  it('reads keywords in any case and operators without spaces', () => {
    expect(printQuery(parseQuery("metrics.a>=1 AnD params.b!='x' oR NoT params.c iS nOt NuLl"))).toBe(
      "metrics.a >= 1 AND params.b != 'x' OR NOT params.c IS NOT NULL",
    );
  });
});

describe('the extensions', () => {
  it('AND binds tighter than OR, NOT tighter than AND, and parentheses override', () => {
    expect(printQuery(parseQuery('metrics.a = 1 or metrics.b = 2 and not metrics.c = 3'))).toBe('metrics.a = 1 OR metrics.b = 2 AND NOT metrics.c = 3');
    const tree = filterOf('metrics.a = 1 or metrics.b = 2 and not metrics.c = 3');
    expect(tree).toMatchObject({ kind: 'or', right: { kind: 'and', right: { kind: 'not' } } });
    expect(filterOf('(metrics.a = 1 or metrics.b = 2) and metrics.c = 3')).toMatchObject({ kind: 'and', left: { kind: 'or' } });
    expect(filterOf('not (metrics.a = 1 and metrics.b = 2)')).toMatchObject({ kind: 'not', operand: { kind: 'and' } });
  });

  it('parses IN, NOT IN, IS [NOT] NULL, [NOT] LIKE / ILIKE with ESCAPE', () => {
    expect(filterOf("params.m IN ('a', 2, false)")).toEqual({ kind: 'in', field: { scope: 'params', key: 'm' }, negated: false, values: ['a', 2, false] });
    expect(filterOf('metrics.m not in (1)')).toMatchObject({ kind: 'in', negated: true, values: [1] });
    expect(filterOf('labels.x is null')).toMatchObject({ kind: 'null', negated: false });
    expect(filterOf('labels.x IS NOT NULL')).toMatchObject({ kind: 'null', negated: true });
    expect(filterOf("outputs.path LIKE 'models/%'")).toMatchObject({ kind: 'like', negated: false, caseInsensitive: false, pattern: 'models/%', escape: '\\' });
    expect(filterOf("params.m not ilike 'a!%' escape '!'")).toMatchObject({ kind: 'like', negated: true, caseInsensitive: true, escape: '!' });
  });

  it('parses order by with several keys, defaulting to ascending', () => {
    expect(parseQuery('metrics.accuracy > 0.8 order by metrics.accuracy desc, params.depth').orderBy).toEqual([
      { field: { scope: 'metrics', key: 'accuracy', aggregate: 'last' }, direction: 'desc' },
      { field: { scope: 'params', key: 'depth' }, direction: 'asc' },
    ]);
    expect(parseQuery('ORDER BY attributes.start_time DESC')).toEqual({
      filter: null,
      orderBy: [{ field: { scope: 'attributes', key: 'started_at' }, direction: 'desc' }],
    });
  });

  it('given an empty query, then the filter is null and there is no order', () => {
    expect(parseQuery('')).toEqual({ filter: null, orderBy: [] });
    expect(parseQuery(' \t\n')).toEqual({ filter: null, orderBy: [] });
  });
});

describe('parse errors point at the column of the offending token', () => {
  it.each([
    ['metrics.rmse < and x', 1, 16, 'and', "expected a value after '<' (a number, a quoted string, true or false), found 'and'"],
    ['metrics.rmse <', 1, 15, '', "expected a value after '<'"],
    [
      'metricz.rmse < 1',
      1,
      1,
      'metricz',
      "unknown field prefix 'metricz'; valid prefixes: params., metrics., labels., tags., summary., attributes., inputs., outputs., models.",
    ],
    ['rmse < 1', 1, 1, 'rmse', "unknown field 'rmse'; valid prefixes: params."],
    ['metrics < 1', 1, 1, 'metrics', "'metrics' needs a name after it"],
    ["attributes.colour = 'red'", 1, 12, 'colour', "unknown attribute 'colour'; valid attributes: run_id, project_id, status"],
    ["inputs.size = 'x'", 1, 8, 'size', "unknown inputs field 'size'; valid: path, dataset, digest"],
    ["params.model = 'tree", 1, 16, "'tree", "unterminated string: close it with '"],
    ['metrics.`my-metric = 1', 1, 9, '`my-metric = 1', 'unterminated quoted name'],
    ['metrics.my-metric > 1', 1, 9, 'my-metric', 'a name with special characters must be quoted with backticks: `my-metric`'],
    ['(metrics.a = 1 or metrics.b = 2', 1, 32, '', "expected ')' to close the '(' at column 1"],
    ['metrics.a = 1 and', 1, 18, '', 'expected a condition such as metrics.rmse < 1'],
    ['metrics.a = 1 params.b = 2', 1, 15, 'params.b', "expected AND, OR, ORDER BY or the end of the query, found 'params.b'"],
    ['metrics.a ~ 1', 1, 11, '~', "unexpected character '~'"],
    ['metrics.a 1', 1, 11, '1', 'expected an operator after metrics.a (=, !=, <, <=, >, >=, IN, NOT IN, IS NULL, IS NOT NULL, LIKE, ILIKE)'],
    ['params.x = null', 1, 12, 'null', 'write IS NULL or IS NOT NULL'],
    ["params.x = ('a', 'b')", 1, 12, '(', 'a list of values needs IN'],
    ['params.x IS 3', 1, 13, '3', 'expected NULL after IS'],
    ['params.x NOT = 3', 1, 14, '=', 'expected IN, LIKE or ILIKE after NOT'],
    ["params.x IN 'a'", 1, 13, "'a'", 'expected a list in parentheses after IN'],
    ['params.x IN ()', 1, 14, ')', 'expected at least one value in the list'],
    ["params.x IN ('a' 'b')", 1, 18, "'b'", "expected ',' and another value, or ')' to close the list"],
    ['params.x LIKE 3', 1, 15, '3', "expected a quoted pattern after LIKE, e.g. 'models/%'"],
    ["params.x LIKE 'a' ESCAPE 'ab'", 1, 26, "'ab'", 'expected one quoted character after ESCAPE'],
    ['metrics.a = 1 order metrics.a', 1, 21, 'metrics.a', 'expected BY after ORDER'],
    ['order by', 1, 9, '', 'expected a field to order by'],
    ['order by metrics.a up', 1, 20, 'up', "expected ',' and another field, ASC, DESC or the end of the query"],
    ['order by inputs.path', 1, 10, 'inputs.path', 'cannot order by inputs.path: a run can have many inputs'],
    ["attributes.started_at > 'yesterday'", 1, 25, "'yesterday'", 'attributes.started_at compares with a timestamp'],
    ['metrics.a = 12abc', 1, 13, '12abc', "'12abc' is not a number"],
    ['metrics.a = 1e999', 1, 13, '1e999', 'out of range'],
    ['metrics. = 1', 1, 9, '', "expected a name after '.'"],
    ['`metrics.a` = 1', 1, 1, '`', 'backticks quote the name after a prefix'],
    ['metrics.a = 1\n  and params.b ~ 2', 2, 16, '~', "unexpected character '~'"],
  ])('%j fails at line %i, column %i (%j): %s', (text, line, column, token, reason) => {
    let caught: unknown;
    try {
      parseQuery(text);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(DotscienceError);
    expect(caught).toMatchObject({ name: 'QueryParseError', code: 'QUERY_PARSE', line, column, token });
    const error = caught as Error;
    expect(error.message.startsWith(line === 1 ? `column ${column}: ` : `line ${line}, column ${column}: `)).toBe(true);
    expect(error.message).toContain(reason);
  });

  it('renders the offending line with a caret under the token for CLIs', () => {
    let rendered = '';
    try {
      parseQuery("params.model = 'tree'\n  and metrics.rmse < and x");
    } catch (e) {
      rendered = (e as { render(): string }).render();
    }
    expect(rendered).toBe(
      [
        '  and metrics.rmse < and x',
        '                     ^^^',
        "line 2, column 22: expected a value after '<' (a number, a quoted string, true or false), found 'and'",
      ].join('\n'),
    );
  });
});

describe('limits on the shape of a query', () => {
  const parseError = (text: string): QueryParseError => {
    try {
      parseQuery(text);
    } catch (e) {
      if (e instanceof QueryParseError) return e;
      throw e;
    }
    throw new Error(`parsed: ${text}`);
  };

  it('given 2,000 nested parentheses, then the parse fails with a QueryParseError at the first ( past the limit', () => {
    const error = parseError(`${'('.repeat(2000)}params.a = 1${')'.repeat(2000)}`);
    expect(error.column).toBe(MAX_QUERY_NESTING + 1);
    expect(error.token).toBe('(');
    expect(error.message).toMatch(/^column 101: the query nests parentheses and NOT more than 100 levels deep/);
  });

  it('given 2,000 NOTs in a row, then the parse fails at the NOT past the limit', () => {
    const error = parseError(`${'not '.repeat(2000)}params.a = 1`);
    expect(error.column).toBe(4 * MAX_QUERY_NESTING + 1);
    expect(error.token.toLowerCase()).toBe('not');
  });

  it('given parentheses and NOTs nested exactly to the limit, then the query parses, evaluates and prints', () => {
    const half = MAX_QUERY_NESTING / 2;
    const text = `${'not ('.repeat(half)}params.a = 1${')'.repeat(half)}`;
    const query = parseQuery(text);
    expect(compileQuery(query)(aRun({ runId: 'r', parameters: { a: 1 } }))).toBe(true);
    expect(parseQuery(printQuery(query))).toEqual(query);
  });

  it('given more conditions than the limit, then the parse fails at the first one too many; at the limit it parses, evaluates and prints', () => {
    const conditions = (n: number): string => Array.from({ length: n }, () => 'params.a = 1').join(' and ');
    const error = parseError(conditions(MAX_QUERY_CONDITIONS + 1));
    expect(error.offset).toBe(MAX_QUERY_CONDITIONS * 'params.a = 1 and '.length);
    expect(error.reason).toMatch(/more than 1000 conditions; list many values with IN/);
    const query = parseQuery(conditions(MAX_QUERY_CONDITIONS));
    expect(compileQuery(query)(aRun({ runId: 'r', parameters: { a: 1 } }))).toBe(true);
    expect(parseQuery(printQuery(query))).toEqual(query);
  });
});

describe('a sort on its own', () => {
  it('parses order keys with or without ORDER BY; empty text is no keys', () => {
    const keys = [
      { field: { scope: 'metrics', key: 'accuracy', aggregate: 'last' }, direction: 'desc' },
      { field: { scope: 'params', key: 'depth' }, direction: 'asc' },
    ];
    expect(parseSortKeys('metrics.accuracy desc, params.depth')).toEqual(keys);
    expect(parseSortKeys('ORDER BY metrics.accuracy desc, params.depth')).toEqual(keys);
    expect(parseSortKeys('  ')).toEqual([]);
  });

  it('given a bad sort, then the error says it is the sort and its column points into the sort as typed', () => {
    let error: unknown;
    try {
      parseSortKeys('metrics.accuracy sideways');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QueryParseError);
    const parse = error as QueryParseError;
    expect(parse.part).toBe('sort');
    expect(parse.column).toBe(18);
    expect(parse.message).toMatch(/^in the sort, column 18: expected ',' and another field, ASC, DESC or the end of the sort, found 'sideways'/);
    expect(parse.located).toMatch(/^column 18: /);
  });

  it('given a filter and a sort, then the sort keys come first and each part names itself in its errors', () => {
    expect(selectionQuery('params.a = 1 order by params.b', 'params.c desc').orderBy.map((k) => printField(k.field))).toEqual(['params.c', 'params.b']);
    expect(() => selectionQuery('params.a = ', 'params.c')).toThrow(/^column 12: /);
    expect(() => selectionQuery('params.a = 1', 'nonsense.c')).toThrow(/^in the sort, column 1: unknown field prefix 'nonsense'/);
  });
});
