import { describe, expect, it } from 'vitest';
import type { EventType } from '../events/catalogue.js';
import type { EventStore } from '../ports/event-store.js';
import type { RunReadModel } from '../ports/read-model.js';
import { declaredDataPathsOf, distinctDataPaths } from '../projections/run-data-paths.js';
import { runsProjection, type RunsState } from '../projections/runs.js';
import {
  appendContractEvents as append,
  caughtUpModels,
  contractRunId as runId,
  projectedState,
  versionRef as ref,
  type ContractEvent as Event,
} from './read-model-contract-history.js';

export interface RunReadModelFixture {
  model: RunReadModel;
  cleanup: () => Promise<void>;
}

const onRun = (run: number, type: EventType, data: Record<string, unknown>): Event => ({ stream: `run-${runId(run)}`, type, data });
const started = (run: number, cwd?: string, workloadId?: string, projectId = 'churn'): Event =>
  onRun(run, 'RunStarted', {
    runId: runId(run),
    projectId,
    mode: 'script',
    workload: { script: 'train.py', ...(cwd === undefined ? {} : { cwd }), ...(workloadId === undefined ? {} : { workloadId }) },
    codeVersion: {},
    environment: { runtime: 'node 20', os: 'linux', host: 'lab', user: 'ada' },
    startedAt: `2026-01-01T00:00:0${run}.000Z`,
  });
const declared = (run: number, type: 'InputDeclared' | 'OutputDeclared', path: string, content: number): Event =>
  onRun(run, type, { path, dataset: path.replace(/[^a-z]/g, '') || 'data', version: ref(content) });
const published = (run: number, missing?: Array<{ path: string; declaredAs: 'input' | 'output' }>): Event =>
  onRun(run, 'RunPublished', {
    endedAt: '2026-01-01T00:01:00.000Z',
    headHash: 'x',
    ...(missing === undefined ? {} : { missing: missing.map((m) => ({ ...m, reason: 'does not exist' })) }),
  });
const meta = (run: number, type: 'RunArchived' | 'RunDeleted'): Event => ({
  stream: `runmeta-${runId(run)}`,
  type,
  data: { runId: runId(run), ...(type === 'RunDeleted' ? { reason: 'a test' } : {}) },
});

/**
 * Run 1 (no working directory) reads data/raw.csv and writes out/model.pkl; run 2 (in src/) reads
 * data/raw.csv and ../shared/x.csv, and missed out/report.txt; run 3 writes out/model.pkl and is
 * archived; run 4 reads data/held-out.csv and is deleted; run 5 declared nothing.
 */
const history: Event[] = [
  started(1),
  declared(1, 'InputDeclared', 'data/raw.csv', 1),
  declared(1, 'OutputDeclared', 'out/model.pkl', 2),
  published(1),
  started(2, '/work/churn/src'),
  declared(2, 'InputDeclared', 'data/raw.csv', 1),
  declared(2, 'InputDeclared', '../shared/x.csv', 3),
  published(2, [{ path: 'out/report.txt', declaredAs: 'output' }]),
  started(3),
  declared(3, 'OutputDeclared', 'out/model.pkl', 4),
  published(3),
  meta(3, 'RunArchived'),
  started(4),
  declared(4, 'InputDeclared', 'data/held-out.csv', 5),
  published(4),
  meta(4, 'RunDeleted'),
  started(5),
  published(5),
];

const runsProjected = (store: EventStore): Promise<RunsState> => projectedState(store, runsProjection);

/**
 * The `RunReadModel` contract for what a read model answers beside the query language (whose
 * answers the SQL-vs-closure property test holds to `runQuery`): the data paths runs declared,
 * the runs of a workload and the runs per project, as the runs projection has them.
 */
export function runReadModelContract(name: string, open: (events: EventStore) => Promise<RunReadModelFixture>): void {
  describe(`RunReadModel contract: ${name}`, () => {
    const given = caughtUpModels(open);

    it('given an empty log, when caught up, then no run declared any data path and no project holds a run', async () => {
      const { model } = await given([]);
      expect(await model.declaredDataPaths()).toEqual([]);
      expect(await model.runsPerProject()).toEqual(new Map());
    });

    it('given runs that declared inputs, outputs and paths that held nothing, then each path is listed once per working directory, archived and deleted runs’ too', async () => {
      const { model } = await given(history);
      expect(await model.declaredDataPaths()).toEqual([
        { path: '../shared/x.csv', cwd: '/work/churn/src' },
        { path: 'data/held-out.csv' },
        { path: 'data/raw.csv' },
        { path: 'data/raw.csv', cwd: '/work/churn/src' },
        { path: 'out/model.pkl' },
        { path: 'out/report.txt', cwd: '/work/churn/src' },
      ]);
    });

    it('given the log caught up event by event, then the paths are the runs projection’s, as caught up at once', async () => {
      const { model, store } = await given(history, history.length);
      const state = await runsProjected(store);
      expect(await model.declaredDataPaths()).toEqual(distinctDataPaths(Object.values(state).flatMap(declaredDataPathsOf)));
    });

    it('given a workload that recorded runs, then they are its runs in the order they started, the workload too when it names itself, deleted ones too', async () => {
      const { model, store } = await given([
        started(1, undefined, runId(1)), // a workload naming itself
        started(2, undefined, runId(1)),
        started(3),
        started(4, undefined, runId(1)),
        meta(4, 'RunDeleted'),
        started(5, undefined, runId(6)), // a workload (6) that is not itself a recorded run
      ]);
      expect((await model.runsOfWorkload(runId(1))).map((r) => r.runId)).toEqual([runId(1), runId(2), runId(4)]);
      expect((await model.runsOfWorkload(runId(6))).map((r) => r.runId)).toEqual([runId(5)]);
      expect(await model.runsOfWorkload(runId(3))).toEqual([]);
      expect(await model.runsOfWorkload(runId(9))).toEqual([]);
      const state = await runsProjected(store);
      expect(await model.runsOfWorkload(runId(1))).toEqual([1, 2, 4].map((n) => state[runId(n)]));
      expect((await model.runsOfWorkload(runId(1)))[2]!.deleted).toBeDefined();
    });

    it('given runs of two projects, archived and deleted ones among them, then each project counts every run it holds', async () => {
      const { model, store } = await given([...history, started(6, undefined, undefined, 'fraud'), started(7, undefined, undefined, 'constructor')]);
      const counts = new Map<string, number>();
      for (const run of Object.values(await runsProjected(store))) counts.set(run.projectId, (counts.get(run.projectId) ?? 0) + 1);
      expect(await model.runsPerProject()).toEqual(counts);
      expect([...(await model.runsPerProject())].sort()).toEqual([
        ['churn', 5],
        ['constructor', 1],
        ['fraud', 1],
      ]);
    });

    it('given a run caught up before its output was declared, when more of it is caught up, then its new path is listed too', async () => {
      const { model, store } = await given(history.slice(0, 2));
      expect(await model.declaredDataPaths()).toEqual([{ path: 'data/raw.csv' }]);
      await append(store, history.slice(2, 4));
      await model.catchUp();
      expect(await model.declaredDataPaths()).toEqual([{ path: 'data/raw.csv' }, { path: 'out/model.pkl' }]);
    });
  });
}
