import type { RunView } from '@dotscience/core';
import { describe, expect, it } from 'vitest';
import { defaultColumnFields } from '../src/run-columns.js';

const run = (parameters: Record<string, number>, metrics: string[]): RunView =>
  ({ parameters, metrics: Object.fromEntries(metrics.map((m) => [m, { last: 1, min: 1, max: 1, count: 1, lastStep: null }])) }) as unknown as RunView;

describe('the runs table before columns are typed', () => {
  it('shows the most used parameters and metrics, up to three of each, most used first', () => {
    const runs = [run({ depth: 3, lr: 0.1, seed: 1, folds: 5 }, ['accuracy', 'loss']), run({ depth: 5, lr: 0.2 }, ['accuracy']), run({ depth: 2 }, ['accuracy', 'f1'])];
    expect(defaultColumnFields(runs)).toEqual(['params.depth', 'params.lr', 'params.folds', 'metrics.accuracy', 'metrics.f1', 'metrics.loss']);
    expect(defaultColumnFields([])).toEqual([]);
  });
});
