import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkQueryFields, eventApplier, runQuery, runsProjection, withoutWrappingWorkloads, type Query, type RunsState } from '@dotscience/core';
import { InMemoryEventStore } from '@dotscience/core/testing';
import { SqliteRunReadModel } from '../src/index.js';
import { append, historyEvents, runHistoryArbitrary } from './run-history.js';
import { pagedQueryArbitrary } from './run-query-arbitraries.js';

const dir = mkdtempSync(join(tmpdir(), 'ds-read-model-property-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RUN_SETS = 40;
const QUERIES_PER_SET = 60;

async function oracleState(store: InMemoryEventStore): Promise<RunsState> {
  const apply = eventApplier(runsProjection);
  let state: RunsState = {};
  for await (const e of store.readAll()) state = apply(state, e);
  return state;
}

type Answer = { ids: string[]; total: number } | { error: string };

function oracleAnswer(state: RunsState, request: { query: Query; limit?: number | undefined; offset?: number | undefined; workloads: boolean }): Answer {
  const all = Object.values(state);
  try {
    const { query } = request;
    checkQueryFields(query, (name) => all.some((run) => Object.hasOwn(run.metrics, name)));
    const candidates = request.workloads ? all : withoutWrappingWorkloads(all);
    const sorted = runQuery(candidates, query);
    const offset = request.offset ?? 0;
    const page = sorted.slice(offset, request.limit === undefined ? undefined : offset + request.limit);
    return { ids: page.map((r) => r.runId), total: sorted.length };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe('the runs read model answers as the closure evaluator over the runs projection', () => {
  let sets = 0;
  it(`${RUN_SETS} random run histories × ${QUERIES_PER_SET} random queries (${RUN_SETS * QUERIES_PER_SET} in all)`, async () => {
    let queries = 0;
    await fc.assert(
      fc.asyncProperty(
        runHistoryArbitrary,
        fc.nat(),
        fc.array(pagedQueryArbitrary, { minLength: QUERIES_PER_SET, maxLength: QUERIES_PER_SET }),
        async (history, split, requests) => {
          const store = new InMemoryEventStore();
          const events = historyEvents(history);
          const cut = split % (events.length + 1);
          const model = SqliteRunReadModel.open({ file: join(dir, `set-${sets++}.sqlite`), events: store, batchRuns: 2 });
          try {
            // Caught up in two steps with small batches: runs are re-read from the file and evolved further.
            await append(store, events.slice(0, cut));
            await model.catchUp();
            await append(store, events.slice(cut));
            await model.catchUp();
            const state = await oracleState(store);
            const everything = await model.runs({ query: { filter: null, orderBy: [] }, workloads: true });
            expect(everything.runs).toEqual(runQuery(Object.values(state), ''));
            for (const request of requests) {
              queries++;
              let answer: Answer;
              try {
                const page = await model.runs(request);
                answer = { ids: page.runs.map((r) => r.runId), total: page.total };
              } catch (error) {
                answer = { error: (error as Error).message };
              }
              expect(answer, JSON.stringify(request)).toEqual(oracleAnswer(state, request));
            }
          } finally {
            await model.close();
          }
        },
      ),
      { numRuns: RUN_SETS },
    );
    expect(queries).toBeGreaterThanOrEqual(2_000);
  }, 600_000);
});
