import type { RunView } from '@dotscience/core';
import { describe, expect, it } from 'vitest';
import { dsJson } from '../fixtures/cli-process.js';
import { dsRun, freshProject, reportedRuns } from './ds-run-process.js';

const show = (project: string, runId: string) => dsJson<RunView>(['show', runId], { cwd: project });

describe('ds run reports a run block it cannot record, keeps it on the workload and exits 65 (issue 19, finding 2)', () => {
  it('a declared input the store refuses to capture (a unix socket) is no "missing" input: the block is reported with its run id and reason', () => {
    // given a script whose run declares, as its input, a unix socket it listens on
    const project = freshProject();

    // when it runs through ds run
    const result = dsRun(['python3', 'socket_input.py'], project);

    // then the block is reported as not recorded, with its run id and the store's reason, and ds run exits 65
    const { workloadId, blockRuns, programRuns } = reportedRuns(result.stderr);
    expect(result.code, result.stderr).toBe(65);
    expect(result.stderr).toMatch(/ds run: workload \S+ — exit code 0\n/);
    expect(result.stderr).toMatch(/ds run: the run block [0-9a-f-]{36} at line 1 could not be recorded: cannot capture \S*data\/server\.sock: it is a socket/);
    expect(result.stderr).not.toMatch(/recorded as missing/);
    expect(blockRuns).toEqual([]);
    expect(programRuns).toEqual([]);

    // and the workload keeps the reason as its error
    const workload = show(project, workloadId);
    expect(workload.status).toBe('errored');
    expect(workload.error?.message).toMatch(/could not be recorded: cannot capture \S*data\/server\.sock: it is a socket/);
  });
});

describe('ds run marks a block run that fails after it was started as errored with the reason (issue 19, finding 2)', () => {
  it('a run started in the store whose input cannot be recorded is a block run, errored with the real reason, and ds run exits 65', () => {
    // given a script whose run declares an input with a path longer than a dataset name may be
    const project = freshProject();

    // when it runs through ds run (the run's start is recorded, its input is refused)
    const result = dsRun(['python3', 'long_path_input.py'], project);

    // then it is reported as a run from a block, not as a run the program left open, and ds run exits 65
    expect(result.code, result.stderr).toBe(65);
    const { workloadId, blockRuns, programRuns } = reportedRuns(result.stderr);
    expect(programRuns).toEqual([]);
    expect(blockRuns).toHaveLength(1);
    const runId = blockRuns[0]!;
    expect(result.stderr).toContain(`ds run: the run block ${runId} at line 1 could not be recorded: invalid declareInput command`);

    // and the run is errored with that reason, not "the program ended before the run was published"
    const run = show(project, runId);
    expect(run).toMatchObject({ status: 'errored', workload: { workloadId } });
    expect(run.error?.message).toMatch(/^the run block could not be recorded: invalid declareInput command .*dataset/);
    expect(JSON.stringify(run)).not.toMatch(/ended before the run was published/);
    expect(show(project, workloadId).error?.message).toContain(`the run block ${runId} at line 1 could not be recorded`);
  });
});
