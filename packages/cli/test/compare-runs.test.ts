import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparisonTable } from '../src/output/comparison-table.js';
import type { RunComparison } from '../src/runs/run-comparison.js';
import { ds, dsJson } from './fixtures/cli-process.js';
import { seedTwoStagePipeline, type TwoStagePipeline } from './fixtures/two-stage-pipeline.js';

describe('ds compare: code version, tags, and differences highlighted on a terminal', () => {
  let p: TwoStagePipeline;
  beforeAll(async () => {
    p = await seedTwoStagePipeline();
  });
  afterAll(() => rmSync(p.project, { recursive: true, force: true }));

  it('puts the code version and tags side by side with inputs, metrics (last/min/max) and the rest', () => {
    expect(ds(['tag', p.trainRunId, 'stage=candidate'], { cwd: p.project }).code).toBe(0);
    const comparison = dsJson<RunComparison>(['compare', p.trainRunId, p.deepRunId], { cwd: p.project });
    expect(comparison.code.find((c) => c.name === 'commit')).toEqual({ name: 'commit', values: [p.commit, p.commit], differs: false });
    expect(comparison.tags).toEqual([{ name: 'stage', values: ['candidate', null], differs: true }]);
    expect(comparison.inputs.map((i) => i.name)).toEqual(['data/test.csv', 'data/train.csv']);
    const text = ds(['compare', p.trainRunId, p.deepRunId], { cwd: p.project }).stdout;
    expect(text).toMatch(new RegExp(`^\\s+code\\.commit\\s+${p.commit.slice(0, 12)}\\s+${p.commit.slice(0, 12)}$`, 'm'));
    expect(text).toMatch(/^\*\s+tags\.stage\s+candidate\s+—$/m);
    expect(text).toMatch(/^\s+metrics\.accuracy\.min\s+0\.7\s+0\.8$/m);
    expect(text).not.toContain('\u001b['); // not a terminal: no colour
  });

  it('colours exactly the rows that differ when asked to highlight, keeping the columns aligned', () => {
    const comparison: RunComparison = {
      runs: ['aaaaaaaa1', 'bbbbbbbb2'],
      parameters: [
        { name: 'depth', values: [3, 5], differs: true },
        { name: 'seed', values: [1, 1], differs: false },
      ],
      metrics: [],
      summary: [],
      labels: [],
      inputs: [],
      outputs: [],
      code: [],
      tags: [],
    };
    const plain = comparisonTable(comparison, 8).split('\n');
    const lines = comparisonTable(comparison, 8, true).split('\n');
    expect(lines[1]).toBe(`\u001b[1;33m${plain[1]}\u001b[0m`);
    expect(lines[2]).toBe(plain[2]);
  });
});
