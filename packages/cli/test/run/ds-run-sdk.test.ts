import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RunView } from '@dotscience/core';
import { describe, expect, it } from 'vitest';
import { dsJson } from '../fixtures/cli-process.js';
import { SDK_ENTRY, dsRun, freshProject, reportedRuns } from './ds-run-process.js';

function sdkScript(project: string, name: string, body: string): string {
  writeFileSync(join(project, name), `import * as ds from ${JSON.stringify(pathToFileURL(SDK_ENTRY).href)};\n${body}\n`);
  return name;
}

describe('ds run -- node script.js (a child using the TypeScript SDK)', () => {
  it('links the runs the program records to the workload through DOTSCIENCE_WORKLOAD_ID', () => {
    const project = freshProject();
    const script = sdkScript(project, 'train.mjs', `ds.start();\nds.parameter('depth', 3);\nds.metric('accuracy', 0.9);\nconsole.log('trained');\nawait ds.publish('sdk run');`);

    const result = dsRun(['node', script], project);

    expect(result.code).toBe(0);
    expect(result.stdout.toString('utf8')).toBe('trained\n');
    const { workloadId, programRuns, blockRuns } = reportedRuns(result.stderr);
    expect(blockRuns).toEqual([]);
    expect(programRuns).toHaveLength(1);
    const run = dsJson<RunView>(['show', programRuns[0]!], { cwd: project });
    expect(run).toMatchObject({ status: 'published', parameters: { depth: 3 }, workload: { workloadId } });
    expect(dsJson<RunView>(['show', workloadId], { cwd: project })).toMatchObject({ status: 'published', summary: { exitCode: 0 }, workload: { script } });
  });

  it('leaves the run of a program that exits non-zero before publishing marked errored', () => {
    const project = freshProject();
    const script = sdkScript(project, 'crash.mjs', `ds.start();\nds.parameter('depth', 4);\nawait new Promise((r) => setTimeout(r, 50));\nprocess.exit(2);`);

    const result = dsRun(['node', script], project);

    expect(result.code).toBe(2);
    const { workloadId, programRuns } = reportedRuns(result.stderr);
    expect(programRuns).toHaveLength(1);
    expect(dsJson<RunView>(['show', programRuns[0]!], { cwd: project }).status).toBe('errored');
    expect(dsJson<RunView>(['show', workloadId], { cwd: project })).toMatchObject({ status: 'errored', summary: { exitCode: 2 } });
  });
});
