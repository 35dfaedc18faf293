import { describe, expect, it } from 'vitest';
import { compileQuery, parseQuery, type RunView } from '../../src/index.js';
import { aRun, series } from './run-view-builder.js';

/** Four runs covering numbers, numeric strings, text, booleans, JSON values, and a run with nothing recorded. */
const runs: RunView[] = [
  aRun({
    runId: 'r1',
    status: 'published',
    startedAt: '2026-01-01T10:00:00.000Z',
    endedAt: '2026-01-01T11:00:00.000Z',
    description: '1000 epochs',
    gitCommit: 'abc1234',
    user: 'ada',
    parameters: { model: 'tree', depth: 3, lr: '0.1', flag: true, layers: [64, 32] },
    metrics: { rmse: series(0.9, 0.5, 0.7), accuracy: 0.8 },
    labels: { team: 'vision' },
    summary: { best: 0.93 },
  }),
  aRun({
    runId: 'r2',
    status: 'running',
    startedAt: '2026-01-02T10:00:00.000Z',
    description: 'a_b',
    gitCommit: 'def5678',
    user: 'grace',
    parameters: { model: 'forest', depth: '5', lr: 0.01, flag: 'True' },
    metrics: { rmse: series(1.2), accuracy: 0.9 },
    labels: { team: 'nlp', priority: '10' },
    summary: { best: 0.71 },
  }),
  aRun({
    runId: 'r3',
    status: 'errored',
    startedAt: '2026-01-03T10:00:00.000Z',
    endedAt: '2026-01-03T10:05:00.000Z',
    description: '100% done',
    user: 'ada',
    parameters: { model: 'Tree-v2', depth: 'deep', flag: false },
    metrics: { rmse: series(0.3, 2.0), accuracy: series(0.95, { note: 'diverged' }) },
  }),
  aRun({ runId: 'r4', status: 'running', startedAt: '2026-01-04T10:00:00.000Z', description: 'axb', user: 'linus' }),
];

/** The ids of the runs the query selects, in fixture order. */
const select = (query: string): string[] => runs.filter(compileQuery(parseQuery(query))).map((r) => r.runId);

describe('comparison operators', () => {
  it.each([
    ["params.model = 'tree'", ['r1']],
    ["params.model == 'tree'", ['r1']],
    ["params.model != 'tree'", ['r2', 'r3']],
    ["params.model <> 'tree'", ['r2', 'r3']],
    ['metrics.accuracy < 0.9', ['r1']],
    ['metrics.accuracy <= 0.9', ['r1', 'r2']],
    ['metrics.accuracy > 0.8', ['r2']],
    ['metrics.accuracy >= 0.8', ['r1', 'r2']],
    ['summary.best >= 0.9', ['r1']],
    ["params.model > 'forest'", ['r1']],
    ["params.model < 'forest'", ['r3']],
  ])('given four runs, when filtering by %s, then exactly %j are selected', (query, expected) => {
    expect(select(query)).toEqual(expected);
  });

  it('given a run without the field, then no comparison selects it, not even !=', () => {
    expect(select('params.depth != 3')).toEqual(['r2', 'r3']);
    expect(select('metrics.rmse != 100')).toEqual(['r1', 'r2', 'r3']);
  });

  it('given a non-numeric string, then it is unequal to every number and unordered against numbers', () => {
    expect(select('params.depth > 2')).toEqual(['r1', 'r2']);
    expect(select('params.depth < 100')).toEqual(['r1', 'r2']);
    expect(select('params.depth != 4')).toEqual(['r1', 'r2', 'r3']);
  });

  it('given a series whose last value is JSON, then it compares with a number as incomparable and with its text as equal', () => {
    expect(select('metrics.accuracy > 0')).toEqual(['r1', 'r2']);
    expect(select(`metrics.accuracy = '{"note":"diverged"}'`)).toEqual(['r3']);
    expect(select("params.layers = '[64,32]'")).toEqual(['r1']);
  });
});

describe('numbers compared as numbers', () => {
  it('given depth recorded as the number 3 and the string "5", then both compare numerically with a number', () => {
    expect(select('params.depth = 3')).toEqual(['r1']);
    expect(select('params.depth = 5')).toEqual(['r2']);
    expect(select("params.depth = '5.0'")).toEqual(['r2']);
    expect(select("params.depth = '3'")).toEqual(['r1']);
    expect(select('params.lr = 0.1')).toEqual(['r1']);
    expect(select('params.lr < 0.05')).toEqual(['r2']);
  });

  it('given the label "10", then > 9 selects it (numerically, where as text "10" < "9")', () => {
    expect(select('labels.priority > 9')).toEqual(['r2']);
    expect(select("labels.priority > '9'")).toEqual(['r2']);
  });

  it('given a quoted non-numeric literal, then values compare with it as text', () => {
    expect(select("params.depth > '10'")).toEqual(['r3']);
    expect(select("params.depth = 'deep'")).toEqual(['r3']);
  });

  it('given booleans, then true/false match JSON booleans and the strings True/False', () => {
    expect(select('params.flag = true')).toEqual(['r1', 'r2']);
    expect(select('params.flag = FALSE')).toEqual(['r3']);
    expect(select('params.flag != true')).toEqual(['r3']);
  });
});

describe('AND, OR, NOT and parentheses', () => {
  it('AND binds tighter than OR', () => {
    expect(select("labels.team = 'nlp' or labels.team = 'vision' and metrics.rmse > 1")).toEqual(['r2']);
    expect(select("labels.team = 'nlp' or labels.team = 'vision' and metrics.rmse < 1")).toEqual(['r1', 'r2']);
  });

  it('parentheses group OR before AND', () => {
    expect(select("(labels.team = 'nlp' or labels.team = 'vision') and metrics.rmse < 1")).toEqual(['r1']);
    expect(select("(labels.team = 'nlp' or labels.team = 'vision') and (metrics.rmse > 1 or params.flag = true)")).toEqual(['r1', 'r2']);
  });

  it('NOT negates the whole condition, so it selects runs without the field; != does not', () => {
    expect(select('not params.depth = 3')).toEqual(['r2', 'r3', 'r4']);
    expect(select("NOT (params.model = 'tree' OR params.model = 'forest')")).toEqual(['r3', 'r4']);
    expect(select("not not params.model = 'tree'")).toEqual(['r1']);
    expect(select("not params.model = 'tree' and metrics.rmse < 1")).toEqual([]);
    expect(select("not params.model = 'forest' and metrics.rmse > 1")).toEqual(['r3']);
  });

  it('given an empty filter or only whitespace, then every run is selected', () => {
    expect(select('')).toEqual(['r1', 'r2', 'r3', 'r4']);
    expect(select('  \n ')).toEqual(['r1', 'r2', 'r3', 'r4']);
  });
});

describe('IN and NOT IN', () => {
  it.each([
    ["params.model IN ('tree', 'forest')", ['r1', 'r2']],
    ["params.model not in ('tree')", ['r2', 'r3']],
    ["params.depth IN (5, 'deep')", ['r2', 'r3']],
    ['params.depth IN (3.0)', ['r1']],
    ['metrics.accuracy IN (0.8, 0.95)', ['r1']],
    ['metrics.rmse.min NOT IN (0.5, 0.3)', ['r2']],
    ["labels.team IN ('nlp')", ['r2']],
    ["tags.team NOT IN ('nlp')", ['r1']],
    ['summary.best IN (0.71)', ['r2']],
    ["attributes.status IN ('published', 'errored')", ['r1', 'r3']],
    ["attributes.run_id NOT IN ('r1', 'r4')", ['r2', 'r3']],
    ["run_id IN ('r2')", ['r2']],
  ])('%s selects %j (missing values are in no list and outside none)', (query, expected) => {
    expect(select(query)).toEqual(expected);
  });
});

describe('IS NULL and IS NOT NULL', () => {
  it.each([
    ['labels.team IS NULL', ['r3', 'r4']],
    ['labels.team IS NOT NULL', ['r1', 'r2']],
    ['metrics.rmse is null', ['r4']],
    ['params.lr IS NOT NULL', ['r1', 'r2']],
    ['attributes.ended_at IS NULL', ['r2', 'r4']],
    ['attributes.git_commit IS NOT NULL', ['r1', 'r2']],
    ['summary.best IS NULL', ['r3', 'r4']],
    ['params.constructor IS NULL', ['r1', 'r2', 'r3', 'r4']],
    ['params.__proto__ IS NOT NULL', []],
  ])('%s selects %j', (query, expected) => {
    expect(select(query)).toEqual(expected);
  });
});

describe('LIKE and ILIKE', () => {
  it.each([
    ["params.model LIKE 'tree'", ['r1']],
    ["params.model LIKE 'Tree%'", ['r3']],
    ["params.model ILIKE 'tree%'", ['r1', 'r3']],
    ["params.model LIKE '_ree'", ['r1']],
    ["params.model LIKE '%e%'", ['r1', 'r2', 'r3']],
    ["params.model NOT LIKE '%tree%'", ['r2', 'r3']],
    ["params.model NOT ILIKE '%tree%'", ['r2']],
    ["attributes.description LIKE '100%'", ['r1', 'r3']],
    ["attributes.description LIKE '100\\%%'", ['r3']],
    ["attributes.description LIKE 'a_b'", ['r2', 'r4']],
    ["attributes.description LIKE 'a\\_b'", ['r2']],
    ["attributes.description LIKE 'a!_b' ESCAPE '!'", ['r2']],
    ["attributes.description LIKE '%'", ['r1', 'r2', 'r3', 'r4']],
    ["attributes.git_commit LIKE 'abc%'", ['r1']],
    ["attributes.status LIKE 'RUN%'", ['r2', 'r4']],
    ["params.depth LIKE '3'", ['r1']],
    ["params.lr LIKE '0.0%'", ['r2']],
  ])('%s selects %j', (query, expected) => {
    expect(select(query)).toEqual(expected);
  });

  it('given regular-expression characters in the pattern, then they match themselves', () => {
    const odd = [aRun({ runId: 'x', parameters: { p: 'a.b+(c)[d]$' } }), aRun({ runId: 'y', parameters: { p: 'aXb+(c)[d]$' } })];
    expect(odd.filter(compileQuery("params.p LIKE 'a.b+(c)[d]$'")).map((r) => r.runId)).toEqual(['x']);
  });
});

describe('metric series aggregates', () => {
  it.each([
    ['metrics.rmse < 1', ['r1']],
    ['metrics.rmse.last < 1', ['r1']],
    ['metrics.rmse.last = 2', ['r3']],
    ['metrics.rmse.min < 0.4', ['r3']],
    ['metrics.rmse.min <= 0.5', ['r1', 'r3']],
    ['metrics.rmse.max >= 1.2', ['r2', 'r3']],
    ['metrics.rmse.max < 1', ['r1']],
    ['metrics.rmse.count >= 2', ['r1', 'r3']],
    ['metrics.rmse.count = 3', ['r1']],
    ['metrics.rmse.count = 0', ['r4']],
    ['metrics.accuracy.max = 0.95', ['r3']],
  ])('%s selects %j', (query, expected) => {
    expect(select(query)).toEqual(expected);
  });
});

describe('attributes', () => {
  it.each([
    ["attributes.status = 'running'", ['r2', 'r4']],
    ["status = 'RUNNING'", ['r2', 'r4']],
    ["attributes.status != 'running'", ['r1', 'r3']],
    ["attributes.mode = 'script'", ['r1', 'r2', 'r3', 'r4']],
    ["attributes.project_id = 'churn'", ['r1', 'r2', 'r3', 'r4']],
    ["attributes.run_id = 'r3'", ['r3']],
    ["run_id = 'r3'", ['r3']],
    ["attributes.user = 'ada'", ['r1', 'r3']],
    ["attributes.host = 'lab-1'", ['r1', 'r2', 'r3', 'r4']],
    ["attributes.git_commit = 'def5678'", ['r2']],
    ["attributes.description = 'axb'", ['r4']],
    [`attributes.start_time >= ${Date.parse('2026-01-02T10:00:00.000Z')}`, ['r2', 'r3', 'r4']],
    ["attributes.started_at < '2026-01-02'", ['r1']],
    ["attributes.startedAt > '2026-01-02T12:00:00Z'", ['r3', 'r4']],
    ["attributes.ended_at <= '2026-01-01T11:00:00.000Z'", ['r1']],
    ["attributes.started_at IN ('2026-01-03T10:00:00.000Z')", ['r3']],
  ])('%s selects %j', (query, expected) => {
    expect(select(query)).toEqual(expected);
  });
});
