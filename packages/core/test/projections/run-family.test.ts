import { describe, expect, it } from 'vitest';
import { isWorkloadRun, parentRunOf, replay, runQuery, runsProjection, withoutWrappingWorkloads, type RunView } from '../../src/index.js';
import { aRun } from '../query/run-view-builder.js';
import { History } from './history.js';

const workload = (runId: string): RunView => aRun({ runId, workload: { command: ['python3', 'train.py'], workloadId: runId } });
const child = (runId: string, workloadId: string): RunView => aRun({ runId, workload: { script: 'train.py', workloadId } });

describe('runs and the workloads they were recorded under', () => {
  it("given a workload's own run, a run its program recorded and a run outside any workload, then only the recorded run has a parent", () => {
    const [w, c, alone] = [workload('w1'), child('c1', 'w1'), aRun({ runId: 'n1' })];
    expect([w, c, alone].map(isWorkloadRun)).toEqual([true, false, false]);
    expect([w, c, alone].map(parentRunOf)).toEqual([null, 'w1', null]);
  });

  it('given workloads with and without runs of their program, then the default listing hides only the ones wrapping runs', () => {
    const runs = [workload('w1'), child('c1', 'w1'), child('c2', 'w1'), workload('w2'), aRun({ runId: 'n1' })];
    expect(withoutWrappingWorkloads(runs).map((r) => r.runId)).toEqual(['c1', 'c2', 'w2', 'n1']);
  });
});

describe('runs started in the same millisecond', () => {
  it('given runs whose start times tie, then the newest-first order follows their RunStarted positions, not their ids', async () => {
    const h = new History();
    const startedAt = '2026-03-01T09:00:00.000Z';
    // ids in the order of their starts, so newest first is the reverse of id order (the original library's uuid4 ids are random)
    for (const runId of ['a', 'b', 'c']) {
      await h.emit(`run-${runId}`, 'RunStarted', {
        runId,
        projectId: 'churn',
        mode: 'script',
        workload: {},
        codeVersion: {},
        environment: { runtime: 'python', os: 'linux', host: 'lab', user: 'ada' },
        startedAt,
      });
    }
    const { state } = await replay(h.store, runsProjection);
    expect(runQuery(Object.values(state), '').map((r) => r.runId)).toEqual(['c', 'b', 'a']);
    expect(runQuery(Object.values(state), 'order by params.none').map((r) => r.runId)).toEqual(['c', 'b', 'a']);
  });

  it('given views whose positions tie too, then the run id decides', () => {
    const runs = ['y', 'x'].map((runId) => aRun({ runId, startedPosition: 4 }));
    expect(runQuery(runs, '').map((r) => r.runId)).toEqual(['x', 'y']);
  });
});
