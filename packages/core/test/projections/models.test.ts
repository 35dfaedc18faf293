import { describe, expect, it } from 'vitest';
import { metricSeriesProjection, modelsProjection, replay } from '../../src/index.js';
import { History, twoStagePipeline, versionRef } from './history.js';

describe('models projection', () => {
  it('given model versions published by runs, then each version has its producer and metrics at publish', async () => {
    const h = await twoStagePipeline();
    await h.start('retrain', 'bob');
    await h.publishRun('retrain');
    const v2 = await h.modelVersion('churn', 2, 'better weights', 'retrain', {
      auc: 0.94,
      confusion: [
        [9, 1],
        [2, 8],
      ],
    });
    const { state } = await replay(h.store, modelsProjection);
    expect(state.churn!.versions).toEqual([
      expect.objectContaining({ version: 1, producedBy: 'train', metrics: { auc: 0.91 }, framework: 'sklearn' }),
      {
        version: 2,
        ref: versionRef('better weights', 'directory'),
        producedBy: 'retrain',
        framework: 'sklearn',
        path: 'models/churn',
        metrics: {
          auc: 0.94,
          confusion: [
            [9, 1],
            [2, 8],
          ],
        },
        extra: {},
        tags: {},
        description: null,
        createdAt: v2.recordedAt,
        position: v2.position,
        numbering: 'recorded',
      },
    ]);
  });

  it('when the same version is recorded twice, then it is listed once', async () => {
    const h = new History();
    await h.modelVersion('churn', 1, 'w', 'r1');
    await h.modelVersion('churn', 1, 'w', 'r1');
    expect((await replay(h.store, modelsProjection)).state.churn!.versions).toHaveLength(1);
  });
});

describe('metricSeries projection', () => {
  it('given metrics with and without steps across runs, then every point is kept in recording order', async () => {
    const h = new History();
    await h.start('a');
    await h.start('b');
    const p1 = await h.metric('a', 'loss', 0.9, 0);
    await h.metric('b', 'loss', 0.7);
    const p2 = await h.metric('a', 'loss', 0.4, 1);
    const p3 = await h.metric('a', 'acc', { top1: 0.8, top5: 0.95 });
    const { state } = await replay(h.store, metricSeriesProjection);
    const at = (e: { data: unknown }) => (e.data as { at: string }).at;
    expect(state.a).toEqual({
      loss: [
        { value: 0.9, step: 0, at: at(p1) },
        { value: 0.4, step: 1, at: at(p2) },
      ],
      acc: [{ value: { top1: 0.8, top5: 0.95 }, step: null, at: at(p3) }],
    });
    expect(state.b!.loss!.map((p) => p.value)).toEqual([0.7]);
  });
});
