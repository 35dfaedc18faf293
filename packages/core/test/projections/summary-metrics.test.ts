import { describe, expect, it } from 'vitest';
import { replay, runQuery, runsProjection, type RunsState } from '../../src/index.js';
import { History } from './history.js';

const runsOf = async (h: History): Promise<RunsState> => (await replay(h.store, runsProjection)).state;
const summary = (h: History, runId: string, name: string, value: string | number | boolean) => h.emit(`run-${runId}`, 'SummaryRecorded', { name, value });

describe('summary values as metrics (the original Python library records its metrics as summary strings)', () => {
  it('given numeric summary values, then each is the metric of its name: one point, last = min = max, from the summary', async () => {
    const h = new History();
    await h.start('py');
    await summary(h, 'py', 'accuracy', '0.93');
    await summary(h, 'py', 'epochs', 12);
    await summary(h, 'py', 'verdict', 'good');
    await summary(h, 'py', 'converged', true);
    const run = (await runsOf(h)).py!;
    expect(run.metrics).toEqual({
      accuracy: { last: 0.93, min: 0.93, max: 0.93, count: 1, lastStep: null, source: 'summary' },
      epochs: { last: 12, min: 12, max: 12, count: 1, lastStep: null, source: 'summary' },
    });
    expect(run.summary).toEqual({ accuracy: '0.93', epochs: 12, verdict: 'good', converged: true }); // as recorded
  });

  it('given a series and a summary value of one name, then the series is the metric whichever came first', async () => {
    const h = new History();
    await h.start('before');
    await summary(h, 'before', 'loss', '0.1');
    await h.metric('before', 'loss', 0.5, 1);
    await h.metric('before', 'loss', 0.3, 2);
    await h.start('after');
    await h.metrics('after', [{ name: 'loss', value: 0.4 }]);
    await summary(h, 'after', 'loss', '0.1');
    const runs = await runsOf(h);
    expect(runs.before!.metrics.loss).toEqual({ last: 0.3, min: 0.3, max: 0.5, count: 2, lastStep: 2 });
    expect(runs.after!.metrics.loss).toEqual({ last: 0.4, min: 0.4, max: 0.4, count: 1, lastStep: null });
    expect(runs.after!.summary.loss).toBe('0.1');
  });

  it('when a numeric summary value is replaced by text, then the metric standing in for it is gone', async () => {
    const h = new History();
    await h.start('r1');
    await summary(h, 'r1', 'score', '7');
    await summary(h, 'r1', 'score', 'n/a');
    expect((await runsOf(h)).r1!.metrics).toEqual({});
  });

  it('given Python-style runs, then metrics.x filters and orders by the summary value, and summary.x still reads it as recorded', async () => {
    const h = new History();
    for (const [id, accuracy] of [
      ['low', '0.4'],
      ['high', '0.93'],
      ['mid', '0.61'],
    ] as const) {
      await h.start(id);
      await summary(h, id, 'accuracy', accuracy);
    }
    const runs = Object.values(await runsOf(h));
    const ids = (query: string): string[] => runQuery(runs, query).map((r) => r.runId);
    expect(ids('metrics.accuracy > 0.5 order by metrics.accuracy desc')).toEqual(['high', 'mid']);
    expect(ids('metrics.accuracy.max < 0.5')).toEqual(['low']);
    expect(ids("summary.accuracy = '0.93'")).toEqual(['high']);
    expect(ids('metrics.accuracy.count = 1')).toHaveLength(3);
  });
});

describe("a workload's exit code is not a metric (it is the command's status, not a figure of the user's)", () => {
  const startUnder = (h: History, runId: string, workloadId: string | undefined) =>
    h.emit(`run-${runId}`, 'RunStarted', {
      runId,
      projectId: 'churn',
      mode: 'script',
      workload: { command: ['python3', 'train.py'], ...(workloadId === undefined ? {} : { workloadId }) },
      codeVersion: { gitCommit: 'abc123', dirty: false },
      environment: { runtime: 'python 3.12', os: 'linux', host: 'lab', user: 'ada' },
      startedAt: h.timeAt(0),
    });

  it("given a workload's own run with its exitCode summary, then it has no exitCode metric and the summary keeps the value", async () => {
    const h = new History();
    await startUnder(h, 'w1', 'w1');
    await summary(h, 'w1', 'exitCode', 3);
    await summary(h, 'w1', 'retries', 2);
    const run = (await runsOf(h)).w1!;
    expect(run.metrics).toEqual({ retries: { last: 2, min: 2, max: 2, count: 1, lastStep: null, source: 'summary' } });
    expect(run.summary).toEqual({ exitCode: 3, retries: 2 });
    expect(runQuery([run], 'summary.exitCode = 3')).toHaveLength(1);
    expect(runQuery([run], 'metrics.exitCode = 3')).toHaveLength(0);
  });

  it('given runs of the user (recorded under a workload or not) with a summary named exitCode, then it is their metric as any other', async () => {
    const h = new History();
    await startUnder(h, 'child', 'w1');
    await summary(h, 'child', 'exitCode', '0');
    await startUnder(h, 'alone', undefined);
    await summary(h, 'alone', 'exitCode', 1);
    const runs = await runsOf(h);
    expect(runs.child!.metrics.exitCode).toMatchObject({ last: 0, source: 'summary' });
    expect(runs.alone!.metrics.exitCode).toMatchObject({ last: 1, source: 'summary' });
  });
});
