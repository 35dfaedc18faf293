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
    expect(result.stdout).toMatch(/^iris-tree@champion → version [12]$/m);
    expect(result.stdout).toMatch(/^serving iris-tree@[12] \(ml-cart, digest verified\) at http:\/\/127\.0\.0\.1:\d+/m);
    expect(result.stdout).toMatch(/^\{"predictions":\["virginica"\],"model":"iris-tree","version":[12]\}$/m);
    const runs = dsJson<RunView[]>(['runs', '--filter', 'metrics.accuracy > 0.8 and params.depth = 3'], { cwd: project });
    expect(runs.map((r) => r.description)).toEqual(['CART decision tree, depth 3']);
    const all = dsJson<RunView[]>(['runs'], { cwd: project });
    expect(all.filter((r) => r.labels.language === 'python')).toHaveLength(1);
  }, 120_000);
});
