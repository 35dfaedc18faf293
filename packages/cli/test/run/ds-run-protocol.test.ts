import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunView } from '@dotscience/core';
import { describe, expect, it } from 'vitest';
import { dsJson } from '../fixtures/cli-process.js';
import { dsRun, freshProject, reportedRuns, runRaw, withoutRunBlocks } from './ds-run-process.js';

const show = (project: string, runId: string) => dsJson<RunView>(['show', runId], { cwd: project });

describe('ds run -- python3 script.py (Dotscience run blocks on stdout)', () => {
  it('records each block of a script-mode program as a run and passes every other byte through untouched', () => {
    // given a project with a directory of raw data and a script that publishes two runs
    const project = freshProject();
    writeFileSync(join(project, 'data/raw/a.csv'), 'x,y\n1,2\n');
    writeFileSync(join(project, 'data/raw/b.csv'), 'x,y\n3,4\n');
    const direct = runRaw('python3', ['several_runs.py'], project);
    expect(direct.code).toBe(0);

    // when it runs through ds run
    const result = dsRun(['python3', 'several_runs.py'], project);

    // then the output is what the program printed without its blocks, byte for byte
    expect(result.code).toBe(0);
    expect(result.stdout.equals(withoutRunBlocks(direct.stdout))).toBe(true);
    expect(result.stdout.toString('utf8')).toContain('preparing ✓ [[not a marker]] [[DOTSCIENCE-RUN\n');
    expect(result.stderr).toContain('done\n');
    const { workloadId, blockRuns } = reportedRuns(result.stderr);
    expect(blockRuns).toHaveLength(2);

    // and each block became a run with what it said
    const [first, second] = blockRuns.map((id) => show(project, id));
    expect(first).toMatchObject({
      mode: 'script',
      status: 'published',
      description: 'first run',
      parameters: { depth: '3', lr: '0.5' },
      summary: { accuracy: '0.91' },
      labels: { team: 'vision' },
      workload: { script: 'several_runs.py', workloadId, cwd: project, command: ['python3', 'several_runs.py'] },
    });
    expect(first!.inputs.map((i) => [i.path, i.version.kind, i.version.files])).toEqual([['data/raw', 'directory', 2]]);
    expect(first!.outputs.map((o) => [o.path, o.version.kind])).toEqual([['out/model', 'directory']]);
    expect(second).toMatchObject({ status: 'errored', description: 'second run', parameters: { depth: '5' }, error: { message: 'diverged' } });
    expect(second!.inputs.map((i) => [i.path, i.version.kind])).toEqual([['data/raw/a.csv', 'file']]);
    expect(second!.outputs.map((o) => [o.path, o.version.kind])).toEqual([['out/report.txt', 'file']]);
    expect(Date.parse(first!.startedAt)).toBeLessThanOrEqual(Date.parse(first!.endedAt!));

    // and numeric strings still compare as numbers in queries
    const selected = dsJson<RunView[]>(['runs', '--filter', 'params.depth > 4'], { cwd: project });
    expect(selected.map((r) => r.runId)).toEqual([second!.runId]);

    // and the workload is a run of its own with the exit code and the log
    const workload = show(project, workloadId);
    expect(workload).toMatchObject({ status: 'published', summary: { exitCode: 0 }, workload: { workloadId, script: 'several_runs.py' } });
    expect(workload.outputs.map((o) => [o.path, o.version.kind, o.version.files])).toEqual([['ds-run:log', 'directory', 2]]);
  });

  it('records interactive-mode blocks (no workload file) as interactive runs with their labels', () => {
    const project = freshProject();
    const result = dsRun(['python3', 'interactive.py'], project);
    expect(result.code).toBe(0);
    expect(result.stdout.length).toBe(0);
    const [runId] = reportedRuns(result.stderr).blockRuns;
    const run = show(project, runId!);
    expect(run).toMatchObject({ mode: 'interactive', status: 'published', labels: { stage: 'explore' }, parameters: { alpha: '0.1' } });
    expect(run.workload.script).toBeUndefined();
  });

  it('reports a malformed and an unterminated block, records them on the workload, and still records the good block', () => {
    const project = freshProject();
    const result = dsRun(['python3', 'malformed.py'], project);

    expect(result.code).toBe(0);
    // the refused delimited block is consumed; the unterminated one is passed through as output
    expect(result.stdout.toString('utf8')).toBe('before\nmiddle\n[[DOTSCIENCE-RUN:cut-2]]{"version": "1"');
    expect(result.stderr).toMatch(/ds run: Dotscience run block bad-1 .*not JSON/);
    expect(result.stderr).toMatch(/ds run: Dotscience run block cut-2 .*ended before its closing marker/);
    const { workloadId, blockRuns } = reportedRuns(result.stderr);
    expect(blockRuns).toHaveLength(1);
    expect(show(project, blockRuns[0]!)).toMatchObject({ status: 'published', parameters: { ok: 'yes' }, description: 'the good one' });
    const workload = show(project, workloadId);
    expect(workload.status).toBe('errored');
    expect(workload.error?.message).toMatch(/cut-2/);
  });

  it('marks the runs of a program that exits non-zero errored with its exit code, and exits with that code', () => {
    const project = freshProject();
    const result = dsRun(['python3', 'failing.py'], project);

    expect(result.code).toBe(3);
    expect(result.stdout.toString('utf8')).toBe('crashing\n');
    const { workloadId, blockRuns } = reportedRuns(result.stderr);
    const run = show(project, blockRuns[0]!);
    expect(run).toMatchObject({ status: 'errored', parameters: { epochs: '10' }, error: { message: 'the command exited with code 3', detail: { exitCode: 3 } } });
    expect(show(project, workloadId)).toMatchObject({ status: 'errored', summary: { exitCode: 3 } });
  });

  it('records a command that cannot be started as a workload with exit code 127', () => {
    const project = freshProject();
    const result = dsRun(['no-such-program-for-ds-run'], project);
    expect(result.code).toBe(127);
    expect(result.stderr).toMatch(/cannot run no-such-program-for-ds-run/);
    const { workloadId } = reportedRuns(result.stderr);
    expect(show(project, workloadId)).toMatchObject({ status: 'errored', summary: { exitCode: 127 } });
  });
});
