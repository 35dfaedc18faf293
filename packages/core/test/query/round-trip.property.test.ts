import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileQuery, parseQuery, printQuery, QueryParseError, runQuery } from '../../src/index.js';
import { queryArbitrary, queryishText } from './query-arbitraries.js';
import { aRun, declared, model, series } from './run-view-builder.js';

const sampleRuns = [
  aRun({
    runId: 'r1',
    parameters: { model: 'tree', depth: '3' },
    metrics: { rmse: series(0.5, 0.2) },
    labels: { team: 'x' },
    inputs: [declared('data/a.csv', 'a', 'a')],
    models: [model('clf', 'm.pkl', 'b')],
  }),
  aRun({ runId: 'r2', parameters: { flag: true, nested: { a: [1] } }, summary: { best: 'n/a' }, endedAt: '2026-01-02T00:00:00.000Z' }),
];

describe('query text and syntax trees', () => {
  it('given any query tree, when printed, then it parses back to the same tree', () => {
    fc.assert(
      fc.property(queryArbitrary, (query) => {
        expect(parseQuery(printQuery(query))).toEqual(query);
      }),
      { numRuns: 500 },
    );
  });

  it('given any query tree, then it compiles and evaluates every run to a boolean, and runQuery sorts without error', () => {
    fc.assert(
      fc.property(queryArbitrary, (query) => {
        const matches = compileQuery(query);
        for (const run of sampleRuns) expect(typeof matches(run)).toBe('boolean');
        expect(runQuery(sampleRuns, query).length).toBeLessThanOrEqual(sampleRuns.length);
      }),
      { numRuns: 300 },
    );
  });

  it('given random text, then it parses (and prints back to an equal tree) or throws QueryParseError pointing inside the text', () => {
    fc.assert(
      fc.property(fc.oneof(queryishText, fc.string({ unit: 'binary', maxLength: 40 })), (text) => {
        let query;
        try {
          query = parseQuery(text);
        } catch (e) {
          if (!(e instanceof QueryParseError)) throw e;
          expect(e.offset).toBeGreaterThanOrEqual(0);
          expect(e.offset).toBeLessThanOrEqual(text.length);
          expect(e.line).toBeLessThanOrEqual(text.split('\n').length);
          expect(e.column).toBeGreaterThanOrEqual(1);
          expect(typeof e.render()).toBe('string');
          return;
        }
        expect(parseQuery(printQuery(query))).toEqual(query);
      }),
      { numRuns: 3000 },
    );
  });
});
