import { spawn } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_ENTRY, ds } from '../fixtures/cli-process.js';
import { cleanEnv, freshProject, pollUntil } from '../run/ds-run-process.js';
import { notebookJson, printedBlock, streamOutput } from './notebook-files.js';

const RUNS = ['0b7c4c2e-9d3e-4a51-8f63-2f4f1a6f8d01', '5e2a8f10-3c44-4b7e-9a2d-77c1e0b9f6a2', 'c9d2f0aa-1b2c-4d3e-8f40-5a6b7c8d9e0f'];

const notebookWith = (runId: string, depth: number): string =>
  notebookJson([{ source: 'ds.publish()', outputs: [streamOutput(printedBlock(runId, { parameters: { depth: String(depth) } }))] }]);

/** Save as Jupyter does: write a temporary file, then rename it over the notebook. */
function save(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

const recordedRuns = (project: string): string[] =>
  (JSON.parse(ds(['runs', '--json'], { cwd: project }).stdout) as Array<{ runId: string }>).map((r) => r.runId).sort();

describe('ds watch', () => {
  it('ingests a notebook when it is saved, and several saved at once, each run once, until Ctrl-C', async () => {
    const project = freshProject();
    mkdirSync(join(project, 'notebooks', '.ipynb_checkpoints'), { recursive: true });
    const child = spawn(process.execPath, [CLI_ENTRY, 'watch', 'notebooks', '--debounce', '300'], {
      cwd: project,
      env: cleanEnv({}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    let exited = false;
    const exit = new Promise<number | null>((done) => child.on('close', (code) => ((exited = true), done(code))));
    try {
      expect(
        await pollUntil(
          () => (stdout.includes('watching') ? true : undefined),
          () => !exited,
        ),
        stderr,
      ).toBe(true);

      // A checkpoint is Jupyter's autosave copy, not a save of the notebook: it is not read.
      save(join(project, 'notebooks', '.ipynb_checkpoints', 'a-checkpoint.ipynb'), notebookWith(RUNS[2]!, 9));
      save(join(project, 'notebooks', 'a.ipynb'), notebookWith(RUNS[0]!, 1));
      expect(
        await pollUntil(
          () => (recordedRuns(project).length >= 1 ? recordedRuns(project) : undefined),
          () => !exited,
        ),
        stderr,
      ).toEqual([RUNS[0]]);

      // Two notebooks saved at once, and the first saved again unchanged.
      save(join(project, 'notebooks', 'b.ipynb'), notebookWith(RUNS[1]!, 2));
      save(join(project, 'notebooks', 'a.ipynb'), notebookWith(RUNS[0]!, 1));
      expect(
        await pollUntil(
          () => (recordedRuns(project).length >= 2 ? recordedRuns(project) : undefined),
          () => !exited,
        ),
        stderr,
      ).toEqual([RUNS[0], RUNS[1]].sort());
      expect(
        await pollUntil(
          () => (stdout.includes('a.ipynb: recorded 0 run(s); 1 already recorded') ? true : undefined),
          () => !exited,
        ),
        stdout,
      ).toBe(true);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exit, stderr).toBe(0);
    expect(recordedRuns(project)).toEqual([RUNS[0], RUNS[1]].sort());
    expect(stdout).toMatch(/notebooks\/b\.ipynb: recorded 1 run\(s\): 5e2a8f10-3c44-4b7e-9a2d-77c1e0b9f6a2 \(cell 1\)/);
  }, 300_000);
});
