import { describe, expect, it } from 'vitest';
import { InvalidInputError, QueryParseError, runQuery, type RunView } from '../../src/index.js';
import { aRun, series } from './run-view-builder.js';

const runs: RunView[] = [
  aRun({ runId: 'a', startedAt: '2026-01-01T00:00:00.000Z', parameters: { depth: 3, model: 'tree' }, metrics: { accuracy: 0.85 } }),
  aRun({ runId: 'b', startedAt: '2026-01-02T00:00:00.000Z', parameters: { depth: '10', model: 'forest' }, metrics: { accuracy: 0.91 } }),
  aRun({ runId: 'c', startedAt: '2026-01-03T00:00:00.000Z', parameters: { depth: 5, model: 'tree' }, metrics: { accuracy: 0.85 } }),
  aRun({ runId: 'd', startedAt: '2026-01-04T00:00:00.000Z', parameters: { model: 'linear' }, metrics: { accuracy: series(0.99, 0.7) } }),
  aRun({ runId: 'e', startedAt: '2026-01-05T00:00:00.000Z', parameters: { depth: 'auto' } }),
];

const ids = (query: string, options?: { limit?: number; offset?: number }): string[] => runQuery(runs, query, options).map((r) => r.runId);

describe('order by', () => {
  it('given no order by, then runs come newest first (MLflow default)', () => {
    expect(ids('')).toEqual(['e', 'd', 'c', 'b', 'a']);
  });

  it('given a filter and an order, then only matching runs come back, in that order', () => {
    expect(ids('metrics.accuracy > 0.8 order by metrics.accuracy desc, params.depth')).toEqual(['b', 'a', 'c']);
  });

  it('given ascending order, then ties fall back to newest first', () => {
    expect(ids('metrics.accuracy > 0.8 order by metrics.accuracy')).toEqual(['c', 'a', 'b']);
    expect(ids('metrics.accuracy > 0.8 order by metrics.accuracy asc, params.depth desc')).toEqual(['c', 'a', 'b']);
  });

  it('given missing values, then they sort last in both directions', () => {
    expect(ids('order by metrics.accuracy')).toEqual(['d', 'c', 'a', 'b', 'e']);
    expect(ids('order by metrics.accuracy desc')).toEqual(['b', 'c', 'a', 'd', 'e']);
    expect(ids('ORDER BY metrics.accuracy.max DESC')).toEqual(['d', 'b', 'c', 'a', 'e']);
  });

  it('given numbers and numeric strings, then they sort numerically, before non-numeric text', () => {
    expect(ids('order by params.depth')).toEqual(['a', 'c', 'b', 'e', 'd']);
    expect(ids('order by params.depth desc')).toEqual(['e', 'b', 'c', 'a', 'd']);
  });

  it('given several keys, then each breaks the ties of the one before', () => {
    expect(ids("params.model != 'linear' order by params.model desc, params.depth desc")).toEqual(['c', 'a', 'b']);
    expect(ids('order by params.model, attributes.started_at')).toEqual(['b', 'd', 'a', 'c', 'e']);
  });

  it('given attributes, then they order by their values', () => {
    expect(ids('order by attributes.start_time')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(ids('order by run_id desc')).toEqual(['e', 'd', 'c', 'b', 'a']);
  });
});

describe('paging', () => {
  it('given limit and offset, then one page of the sorted result comes back', () => {
    expect(ids('order by run_id', { limit: 2 })).toEqual(['a', 'b']);
    expect(ids('order by run_id', { limit: 2, offset: 2 })).toEqual(['c', 'd']);
    expect(ids('order by run_id', { offset: 4 })).toEqual(['e']);
    expect(ids('order by run_id', { offset: 9 })).toEqual([]);
    expect(ids('order by run_id', { limit: 0 })).toEqual([]);
  });

  it('given a negative or fractional limit, then InvalidInputError names the option', () => {
    expect(() => ids('', { limit: -1 })).toThrow(InvalidInputError);
    expect(() => ids('', { offset: 1.5 })).toThrow(/offset/);
  });

  it('given any iterable, then it is read once', () => {
    function* generated(): Generator<RunView> {
      yield* runs;
    }
    expect(runQuery(generated(), "params.model = 'tree'").map((r) => r.runId)).toEqual(['c', 'a']);
  });

  it('given a malformed query, then QueryParseError is thrown before any run is read', () => {
    let read = 0;
    const counting = {
      *[Symbol.iterator]() {
        read++;
        yield* runs;
      },
    };
    expect(() => runQuery(counting, 'metrics.accuracy >')).toThrow(QueryParseError);
    expect(read).toBe(0);
  });
});

describe('queries built as trees', () => {
  it('given a tree instead of text, then runQuery runs it as parsed', () => {
    const tree = { filter: { kind: 'compare' as const, field: { scope: 'params' as const, key: 'model' }, op: '=' as const, value: 'tree' }, orderBy: [] };
    expect(runQuery(runs, tree).map((r) => r.runId)).toEqual(['c', 'a']);
  });

  it('given a hand-built order by an input property, then InvalidInputError names the key', () => {
    const tree = { filter: null, orderBy: [{ field: { scope: 'inputs' as const, key: 'path' as const }, direction: 'asc' as const }] };
    expect(() => runQuery(runs, tree)).toThrow(/orderBy\.0\.field: cannot order by inputs\.path/);
  });
});
