import { describe, expect, it } from 'vitest';
import { replay, runsProjection } from '../../src/index.js';
import { History, versionRef } from './history.js';

const runsOf = async (h: History) => (await replay(h.store, runsProjection)).state;

describe('runs projection', () => {
  it('given a RunStarted, then the run is running with what it started with', async () => {
    const h = new History();
    const started = await h.start('r1', 'ada', 'churn');
    const run = (await runsOf(h)).r1!;
    expect(run).toMatchObject({
      runId: 'r1',
      projectId: 'churn',
      mode: 'script',
      status: 'running',
      workload: { script: 'r1.py' },
      codeVersion: { gitCommit: 'abc123', dirty: false },
      environment: { user: 'ada' },
      endedAt: null,
      error: null,
      headHash: started.hash,
      lastRevision: 0,
      lastPosition: started.position,
      startedPosition: started.position,
    });
  });

  it('when parameters, labels, summaries and a description are recorded, then the view carries them', async () => {
    const h = new History();
    await h.start('r1');
    await h.emit('run-r1', 'ParameterRecorded', { name: 'lr', value: 0.1 });
    await h.emit('run-r1', 'ParameterRecorded', { name: 'constructor', value: { layers: [64, 32] } });
    await h.emit('run-r1', 'LabelAdded', { name: 'team', value: 'vision' });
    await h.emit('run-r1', 'SummaryRecorded', { name: 'best', value: 0.93 });
    await h.emit('run-r1', 'RunDescribed', { description: 'baseline' });
    const run = (await runsOf(h)).r1!;
    expect(run.parameters).toEqual({ lr: 0.1, constructor: { layers: [64, 32] } });
    expect(run.labels).toEqual({ team: 'vision' });
    expect(run.summary).toEqual({ best: 0.93 });
    expect(run.description).toBe('baseline');
    expect(run.lastRevision).toBe(5);
  });

  it('when a metric is recorded several times, then it keeps last, numeric min and max, count and last step', async () => {
    const h = new History();
    await h.start('r1');
    await h.metric('r1', 'loss', 0.5, 1);
    await h.metric('r1', 'loss', 0.2, 2);
    await h.metric('r1', 'loss', { note: 'diverged' }, 3);
    await h.metric('r1', 'loss', 0.8);
    await h.metric('r1', 'confusion', [
      [1, 0],
      [0, 1],
    ]);
    const run = (await runsOf(h)).r1!;
    expect(run.metrics.loss).toEqual({ last: 0.8, min: 0.2, max: 0.8, count: 4, lastStep: null });
    expect(run.metrics.confusion).toEqual({
      last: [
        [1, 0],
        [0, 1],
      ],
      min: null,
      max: null,
      count: 1,
      lastStep: null,
    });
  });

  it('when inputs, outputs and models are declared, then they are listed once each', async () => {
    const h = new History();
    await h.start('r1');
    await h.input('r1', 'raw', 'rows');
    await h.input('r1', 'raw', 'rows');
    await h.output('r1', 'clean', 'clean rows', 'out/clean.csv');
    await h.emit('run-r1', 'ModelDeclared', { name: 'churn', path: 'models/churn', framework: 'sklearn' });
    const run = (await runsOf(h)).r1!;
    expect(run.inputs).toEqual([{ path: 'data/raw', dataset: 'raw', version: versionRef('rows') }]);
    expect(run.outputs).toEqual([{ path: 'out/clean.csv', dataset: 'clean', version: versionRef('clean rows') }]);
    expect(run.models).toEqual([{ name: 'churn', path: 'models/churn', framework: 'sklearn' }]);
  });

  it('when the run is published, then it is published with its end time and its seal as head', async () => {
    const h = new History();
    await h.start('r1');
    const published = await h.publishRun('r1');
    const run = (await runsOf(h)).r1!;
    expect(run.status).toBe('published');
    expect(run.endedAt).toBe((published.data as { endedAt: string }).endedAt);
    expect(run.headHash).toBe(published.hash);
  });

  it('when the run errors and is then published, then it stays errored and keeps the error', async () => {
    const h = new History();
    await h.start('r1');
    await h.emit('run-r1', 'RunErrored', { message: 'out of memory', detail: { rss: 123 } });
    await h.publishRun('r1');
    const run = (await runsOf(h)).r1!;
    expect(run.status).toBe('errored');
    expect(run.error).toEqual({ message: 'out of memory', detail: { rss: 123 } });
    expect(run.endedAt).not.toBeNull();
  });

  it('when data is declared changed after publish and the seal notes missing data, then the view carries both and the run is published', async () => {
    const h = new History();
    await h.start('r1');
    const changedAfterPublish = { modifiedAt: '2026-03-01T09:00:02.000Z', publishedAt: '2026-03-01T09:00:01.000Z' };
    await h.emit('run-r1', 'OutputDeclared', { path: 'out/preds.csv', dataset: 'out/preds.csv', version: versionRef('later'), changedAfterPublish });
    const missing = [{ path: 'out/never.csv', declaredAs: 'output' as const, reason: 'does not exist' }];
    await h.emit('run-r1', 'RunPublished', { endedAt: '2026-03-01T09:00:01.000Z', headHash: 'f'.repeat(64), missing });
    const run = (await runsOf(h)).r1!;
    expect(run.outputs).toEqual([{ path: 'out/preds.csv', dataset: 'out/preds.csv', version: versionRef('later'), changedAfterPublish }]);
    expect(run).toMatchObject({ status: 'published', error: null, missing });
  });

  it('given events of a run that never started, then no run appears', async () => {
    const h = new History();
    await h.emit('run-ghost', 'ParameterRecorded', { name: 'lr', value: 1 });
    await h.start('r1');
    expect(Object.keys(await runsOf(h))).toEqual(['r1']);
  });
});
