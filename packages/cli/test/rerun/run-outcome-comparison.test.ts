import type { RunView } from '@dotscience/core';
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { compareRerun } from '../../src/rerun/run-outcome-comparison.js';
import { collectTolerance } from '../../src/rerun/tolerance-option.js';

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const version = (c: string) => ({ store: 'fs', digest: digest(c), kind: 'file' as const, bytes: 1, files: 1 });

function run(runId: string, values: { accuracy: number; output: string; model: string; log: string }): RunView {
  return {
    runId,
    projectId: 'p',
    mode: 'script',
    status: 'published',
    workload: {},
    codeVersion: {},
    environment: { runtime: 'node', os: 'linux', host: 'h', user: 'u' },
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:00:01.000Z',
    description: null,
    parameters: {},
    metrics: { accuracy: { last: values.accuracy, min: values.accuracy, max: values.accuracy, count: 1, lastStep: null } },
    summary: { rows: 120 },
    labels: {},
    inputs: [],
    outputs: [
      { path: 'out/result.txt', dataset: 'out/result.txt', version: version(values.output) },
      { path: 'ds-run:log', dataset: 'log/x', version: version(values.log) },
    ],
    models: [{ name: 'tree', path: 'model.json', version: version(values.model) }],
    error: null,
    headHash: 'h',
    lastRevision: 1,
    lastPosition: 1,
    startedPosition: 0,
  };
}

describe('comparing a rerun with its original', () => {
  const original = run('a', { accuracy: 0.9, output: 'a', model: 'b', log: 'c' });

  it('given equal digests and values, then every item is identical, and the log (the workload’s record) is not compared', () => {
    const items = compareRerun(original, run('b', { accuracy: 0.9, output: 'a', model: 'b', log: 'd' }), new Map());
    expect(items.map((i) => `${i.kind} ${i.name}`)).toEqual(['run status', 'output out/result.txt', 'model tree', 'summary rows', 'metric accuracy']);
    expect(items.every((i) => i.identical)).toBe(true);
  });

  it('given a different output digest, then that output is different and names both digests', () => {
    const items = compareRerun(original, run('b', { accuracy: 0.9, output: 'e', model: 'b', log: 'c' }), new Map());
    expect(items.filter((i) => !i.identical)).toEqual([
      { runId: 'a', rerunId: 'b', kind: 'output', name: 'out/result.txt', then: digest('a'), now: digest('e'), identical: false },
    ]);
  });

  it('given a metric off by 1e-9, then it differs without a tolerance and is identical within --tolerance accuracy=1e-6', () => {
    const rerun = run('b', { accuracy: 0.9 + 1e-9, output: 'a', model: 'b', log: 'c' });
    expect(compareRerun(original, rerun, new Map()).find((i) => i.name === 'accuracy')?.identical).toBe(false);
    expect(compareRerun(original, rerun, new Map([['accuracy', 1e-6]])).find((i) => i.name === 'accuracy')).toMatchObject({ identical: true, tolerance: 1e-6 });
    expect(compareRerun(original, rerun, new Map([['accuracy', 1e-12]])).find((i) => i.name === 'accuracy')?.identical).toBe(false);
  });

  it('given no rerun run, then every item is different', () => {
    expect(compareRerun(original, undefined, new Map()).every((i) => !i.identical && i.rerunId === null)).toBe(true);
  });
});

describe('--tolerance', () => {
  it('collects metric=number pairs', () => {
    expect([...collectTolerance('loss=0.5', collectTolerance('accuracy=1e-6', new Map()))]).toEqual([
      ['accuracy', 1e-6],
      ['loss', 0.5],
    ]);
  });

  it.each(['accuracy', 'accuracy=', 'accuracy=abc', 'accuracy=-1', '=1'])('refuses %j, saying how to write it', (given) => {
    expect(() => collectTolerance(given, new Map())).toThrow(InvalidArgumentError);
    expect(() => collectTolerance(given, new Map())).toThrow(/--tolerance .*(metric>=<number>|number ≥ 0)/);
  });
});
