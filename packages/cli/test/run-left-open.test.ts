import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunView } from '@dotscience/core';
import { afterAll, describe, expect, it } from 'vitest';
import { ds, dsJson } from './fixtures/cli-process.js';

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('a run settled from an open-run note whose start never reached the store', () => {
  const project = realpathSync(mkdtempSync(join(tmpdir(), 'ds-left-open-')));
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('given a git project, when the run is settled, then ds show says its code version was not recorded (not "not under version control")', () => {
    // given a project under git, and the note an SDK process left when it exited right after start()
    expect(ds(['init'], { cwd: project }).code).toBe(0);
    spawnSync('git', ['init', '-q'], { cwd: project });
    const runId = randomUUID();
    const store = join(project, '.dotscience');
    mkdirSync(join(store, 'open-runs'), { recursive: true });
    const note = {
      runId,
      mode: 'script',
      workload: { script: 'train.mjs', cwd: project },
      environment: { runtime: 'node 20', os: 'linux', host: hostname(), user: 'ada' },
      startedAt: new Date().toISOString(),
      exitCode: 3,
      store: `fs:${store}`,
      process: { pid: deadPid(), host: hostname() },
    };
    writeFileSync(join(store, 'open-runs', `${runId}.json`), `${JSON.stringify(note)}\n`);

    // when the next writer opens the store, it settles the run
    const settling = ds(['run', '--', 'true'], { cwd: project });
    expect(settling.code, settling.stderr).toBe(0);

    // then the run's code version is recorded as unknown, and shown so
    const run = dsJson<RunView>(['show', runId], { cwd: project });
    expect(run).toMatchObject({ status: 'errored', codeVersion: { notRecorded: 'the process ended before it was inspected' } });
    const shown = ds(['show', runId], { cwd: project }).stdout;
    expect(shown).toMatch(/code +code version not recorded: the process ended before it was inspected/);
    expect(shown).not.toMatch(/not under version control/);
  });
});
