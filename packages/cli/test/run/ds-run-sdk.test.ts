import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RunView } from '@dotscience/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dsJson } from '../fixtures/cli-process.js';
import { saturateCores } from '../fixtures/cpu-load.js';
import { SDK_ENTRY, dsRun, freshProject, reportedRuns, runRaw } from './ds-run-process.js';

function sdkScript(project: string, name: string, body: string): string {
  writeFileSync(join(project, name), `import * as ds from ${JSON.stringify(pathToFileURL(SDK_ENTRY).href)};\n${body}\n`);
  return name;
}

describe('ds run -- node script.js (a child using the TypeScript SDK)', () => {
  it('links the runs the program records to the workload through DOTSCIENCE_WORKLOAD_ID', () => {
    const project = freshProject();
    const script = sdkScript(
      project,
      'train.mjs',
      `ds.start();\nds.parameter('depth', 3);\nds.metric('accuracy', 0.9);\nconsole.log('trained');\nawait ds.publish('sdk run');`,
    );

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
    // No wait between start() and the exit: the run must be recorded however soon the program exits.
    const script = sdkScript(project, 'crash.mjs', `ds.start();\nds.parameter('depth', 4);\nprocess.exit(2);`);

    const result = dsRun(['node', script], project);

    expect(result.code).toBe(2);
    const { workloadId, programRuns } = reportedRuns(result.stderr);
    expect(programRuns).toHaveLength(1);
    expect(dsJson<RunView>(['show', programRuns[0]!], { cwd: project }).status).toBe('errored');
    expect(dsJson<RunView>(['show', workloadId], { cwd: project })).toMatchObject({ status: 'errored', summary: { exitCode: 2 } });
  });
});

/** Programs that end right after a non-awaited ds.start(), each way a Node program can end. */
const ENDINGS = [
  { name: 'natural', body: `ds.start();\nds.parameter('depth', 1);`, exitCode: 0 },
  { name: 'exit0', body: `ds.start();\nprocess.exit(0);`, exitCode: 0 },
  { name: 'exit3', body: `ds.start();\nprocess.exit(3);`, exitCode: 3 },
  { name: 'throw', body: `ds.start();\nthrow new Error('boom');`, exitCode: 1 },
] as const;
const REPEATS = 3;

describe('a started run is never lost, with both cores saturated by another process', () => {
  let load: { stop(): void } | undefined;
  beforeAll(() => {
    load = saturateCores(2);
  });
  afterAll(() => load?.stop());

  it('records as errored every run whose program ends right after start(): naturally, process.exit(0), process.exit(3), a throw', () => {
    const project = freshProject();
    const scripts = ENDINGS.map((ending) => ({ ...ending, script: sdkScript(project, `${ending.name}.mjs`, ending.body) }));
    for (let i = 0; i < REPEATS; i++) {
      for (const { script, exitCode } of scripts) expect(runRaw('node', [script], project).code, script).toBe(exitCode);
    }

    const runs = dsJson<RunView[]>(['runs'], { cwd: project });
    for (const { script } of scripts) {
      const ofScript = runs.filter((r) => r.workload.script === script);
      expect(
        ofScript.map((r) => r.status),
        script,
      ).toEqual(Array(REPEATS).fill('errored'));
    }
  }, 600_000);

  it('under ds run, links each such run to its workload and leaves it errored', () => {
    const project = freshProject();
    const linked: Array<{ runId: string; workloadId: string; script: string }> = [];
    for (const ending of ENDINGS) {
      const script = sdkScript(project, `${ending.name}.mjs`, ending.body);
      const result = dsRun(['node', script], project);
      expect(result.code, script).toBe(ending.exitCode);
      const { workloadId, programRuns } = reportedRuns(result.stderr);
      expect(programRuns, `${script}: ${result.stderr}`).toHaveLength(1);
      linked.push({ runId: programRuns[0]!, workloadId, script });
    }
    const runs = new Map(dsJson<RunView[]>(['runs'], { cwd: project }).map((r) => [r.runId, r]));
    for (const { runId, workloadId, script } of linked) expect(runs.get(runId), script).toMatchObject({ status: 'errored', workload: { workloadId, script } });
  }, 600_000);
});
