import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dsJson } from '../fixtures/cli-process.js';
import { dsRun, freshProject, reportedRuns } from '../run/ds-run-process.js';
import { PYTHON_CLIENT, SYSTEM_PYTHON, pythonMissing } from './python-environment.js';

const missing = pythonMissing([]);

const TRAIN = `
import dotscience as ds
ds.script()
with ds.run("series"):
    ds.input("data.csv")
    ds.parameter("lr", 0.1)
    for step, loss in enumerate([0.9, 0.5, 0.25]):
        ds.metric("loss", loss, step=step)
    ds.summary("verdict", "fine")
    with open("model.bin", "w") as f:
        f.write("weights")
    ds.output("model.bin")
`;

interface ShownRun {
  runId: string;
  mode: string;
  parameters: Record<string, unknown>;
  metrics: Record<string, { last: unknown; count: number; lastStep: number | null }>;
  summary: Record<string, unknown>;
  inputs: Array<{ path: string }>;
  outputs: Array<{ path: string }>;
}

describe.skipIf(missing !== undefined)(
  `ds run of a script using the repository's Python client${missing === undefined ? '' : ` (skipped: ${missing})`}`,
  () => {
    it('records its version 2 block: the metric series point by point with steps, beside the original fields', () => {
      const project = freshProject();
      writeFileSync(join(project, 'data.csv'), 'x\n1\n');
      writeFileSync(join(project, 'train_client.py'), TRAIN);
      const result = dsRun([SYSTEM_PYTHON, 'train_client.py'], project, { PYTHONPATH: PYTHON_CLIENT });
      expect(result.code, result.stderr).toBe(0);
      const [runId] = reportedRuns(result.stderr).blockRuns;
      expect(runId).toBeDefined();
      const run = dsJson<ShownRun>(['show', runId!, '--json'], { cwd: project });
      expect(run.mode).toBe('script');
      expect(run.metrics.loss).toMatchObject({ last: 0.25, count: 3, lastStep: 2 });
      expect(run.parameters).toEqual({ lr: '0.1' });
      expect(run.summary).toEqual({ verdict: 'fine' });
      expect(run.inputs.map((i) => i.path)).toEqual(['data.csv']);
      expect(run.outputs.map((o) => o.path)).toEqual(['model.bin']);
    });
  },
);
