import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunView } from '@dotscience/core';
import { describe, expect, it } from 'vitest';
import { ds, dsJson } from '../fixtures/cli-process.js';

describe('a ds run whose own process is killed', () => {
  it('is marked abandoned by the next opener and found by status = abandoned', () => {
    const project = mkdtempSync(join(tmpdir(), 'ds-abandoned-'));
    expect(ds(['init'], { cwd: project }).code).toBe(0);

    // the program kills ds run itself (its parent) with SIGKILL: nothing of ds run's own ending runs
    const killed = ds(['run', '--', 'sh', '-c', 'kill -9 $PPID; sleep 1'], { cwd: project });
    expect(killed.code).not.toBe(0);
    expect(readdirSync(join(project, '.dotscience', 'open-runs')).filter((n) => n.endsWith('.json'))).toHaveLength(1);

    const abandoned = dsJson<RunView[]>(['runs', '--workloads', '--filter', "status = 'abandoned'"], { cwd: project });
    expect(abandoned).toHaveLength(1);
    expect(abandoned[0]).toMatchObject({
      status: 'abandoned',
      abandoned: { reason: expect.stringMatching(/^its process \(pid \d+\) is gone and never published the run$/) },
    });
    expect(abandoned[0]!.description).toMatch(/kill -9/);
    const shown = ds(['show', abandoned[0]!.runId], { cwd: project }).stdout;
    expect(shown).toMatch(/^status +abandoned$/m);
    expect(shown).toMatch(/^abandoned +its process \(pid \d+\) is gone and never published the run/m);
    expect(shown).toMatch(/^head hash +[0-9a-f]{64}$/m);
    expect(readdirSync(join(project, '.dotscience', 'open-runs')).filter((n) => n.endsWith('.json'))).toHaveLength(0);

    // a workload that ends normally is not abandoned, and leaves no note behind
    expect(ds(['run', '--', 'true'], { cwd: project }).code).toBe(0);
    expect(dsJson<RunView[]>(['runs', '--workloads', '--filter', "status = 'abandoned'"], { cwd: project })).toHaveLength(1);
    expect(dsJson<RunView[]>(['runs', '--workloads', '--filter', "status = 'published'"], { cwd: project })).toHaveLength(1);
  }, 120_000);
});
