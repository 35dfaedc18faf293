import type { RunView } from '@dotscience/core';
import { describe, expect, it } from 'vitest';
import { defaultColumnFields } from '../src/run-columns.js';

const run = (parameters: Record<string, number>, metrics: string[]): RunView =>
  ({ parameters, metrics: Object.fromEntries(metrics.map((m) => [m, { last: 1, min: 1, max: 1, count: 1, lastStep: null }])) }) as unknown as RunView;

describe('the runs table before columns are typed', () => {
  it('shows the most used parameters and metrics, up to three of each, most used first', () => {
    const runs = [
      run({ depth: 3, lr: 0.1, seed: 1, folds: 5 }, ['accuracy', 'loss']),
      run({ depth: 5, lr: 0.2 }, ['accuracy']),
      run({ depth: 2 }, ['accuracy', 'f1']),
    ];
    expect(defaultColumnFields(runs)).toEqual(['params.depth', 'params.lr', 'params.folds', 'metrics.accuracy', 'metrics.f1', 'metrics.loss']);
    expect(defaultColumnFields([])).toEqual([]);
  });
});

describe('the compare page metrics table', () => {
  it('gives last, min and max per run of a series, last only for a summary value, — where a run has none', async () => {
    const { metricRows } = await import('../src/compare-rows.js');
    const a = {
      metrics: {
        loss: { last: 0.2, min: 0.1, max: 0.9, count: 3, lastStep: 2 },
        auc: { last: 0.8, min: 0.8, max: 0.8, count: 1, lastStep: null, source: 'summary' },
      },
    } as unknown as RunView;
    const b = { metrics: { loss: { last: 0.3, min: 0.1, max: 0.7, count: 3, lastStep: 2 } } } as unknown as RunView;
    expect(metricRows([a, b])).toEqual([
      { label: 'auc', values: ['0.8', '—'] },
      { label: 'loss', values: ['0.2', '0.3'] },
      { label: 'loss.min', values: ['0.1', '0.1'] },
      { label: 'loss.max', values: ['0.9', '0.7'] },
    ]);
  });
});
