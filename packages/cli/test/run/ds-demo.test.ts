import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunView } from '@dotscience/core';
import { describe, expect, it } from 'vitest';
import { ds, dsJson } from '../fixtures/cli-process.js';

describe('ds demo', () => {
  it('runs the examples end to end in the given directory and ends with a verified audit', () => {
    const project = join(mkdtempSync(join(tmpdir(), 'ds-demo-')), 'project');

    const result = ds(['demo', project], { cwd: tmpdir() });

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/model iris-tree@2/);
    expect(result.stdout).toMatch(/used dataset data\/iris\.csv@1/);
    expect(result.stdout).toMatch(/^ok: \d+ events in \d+ streams/m);
    const runs = dsJson<RunView[]>(['runs', '--filter', 'metrics.accuracy > 0.8 and params.depth = 3', '--sort', 'started_at'], { cwd: project });
    expect(runs.map((r) => r.description)).toEqual(['CART decision tree, depth 3', 'CART decision tree, depth 3']);
    // The demo ends with `ds rerun --check` of the depth-3 training: the rerun is linked to it and reproduced it.
    expect(runs[1]!.rerunOf).toBe(runs[0]!.runId);
    expect(result.stdout).toMatch(/identical {2}model iris-tree {2}sha256:[0-9a-f]{64}/);
    expect(result.stdout).toMatch(/reproduced: all \d+ items identical\s*\n[\s\S]*The project is in/);
    // Then the most accurate tree is aliased champion, served and asked for one prediction.
    expect(result.stdout).toMatch(/^iris-tree@champion → version [12]$/m);
    expect(result.stdout).toMatch(/^serving iris-tree@[12] \(ml-cart, digest verified\) at http:\/\/127\.0\.0\.1:\d+/m);
    expect(result.stdout).toMatch(/^\{"predictions":\["virginica"\],"model":"iris-tree","version":[12]\}$/m);
    const all = dsJson<RunView[]>(['runs'], { cwd: project });
    expect(all.filter((r) => r.labels.language === 'python')).toHaveLength(1);
    // The notebook step: run when Python with Jupyter and scikit-learn is there, else skipped saying why.
    if (/\(skipped\) the Jupyter notebook example/.test(result.stdout)) {
      expect(process.env.DOTSCIENCE_PYTHON_TESTS, 'CI installs Jupyter and scikit-learn: the notebook step must run').not.toBe('required');
      expect(result.stdout).toMatch(/apt-get install python3 jupyter-nbconvert python3-ipykernel python3-sklearn python3-pandas/);
    } else {
      expect(result.stdout).toMatch(/model iris-tree-sklearn@1/);
      const notebookRuns = all.filter((r) => r.workload.notebook === 'iris-tree.executed.ipynb');
      expect(notebookRuns.map((r) => [r.mode, r.status, r.workload.cell])).toEqual([['interactive', 'published', 3]]);
    }
  }, 300_000);
});
