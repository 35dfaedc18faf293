import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OpenRunNotes, storeKey, type OpenRunNote } from '../../src/annotations/open-run-notes.js';

const STORE = storeKey({ kind: 'fs', directory: '/project/.dotscience' });
const run = {
  runId: 'r1',
  store: STORE,
  mode: 'script' as const,
  workload: { script: 'train.ts' },
  environment: { runtime: 'node', os: 'linux', host: hostname(), user: 'ada' },
  startedAt: '2026-12-01T00:00:00.000Z',
};

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

function noteFile(notes: OpenRunNotes, note: OpenRunNote): void {
  writeFileSync(join(notes.directory, `${note.runId}.json`), JSON.stringify(note));
}

describe('open-run notes (real files)', () => {
  it('given a run noted by this process, when notes of gone processes are listed, then it is not among them; its exit code is added and it is removed', () => {
    const notes = new OpenRunNotes(join(mkdtempSync(join(tmpdir(), 'ds-notes-')), 'open-runs'));
    notes.write(run);
    expect(readFileSync(join(notes.directory, '.gitignore'), 'utf8')).toContain('*');
    expect(notes.leftByGoneProcesses(STORE)).toEqual({ notes: [], unreadable: [] });
    notes.noteExit('r1', 3);
    expect(JSON.parse(readFileSync(join(notes.directory, 'r1.json'), 'utf8'))).toMatchObject({
      runId: 'r1',
      exitCode: 3,
      process: { pid: process.pid, host: hostname() },
    });
    notes.remove('r1');
    expect(existsSync(join(notes.directory, 'r1.json'))).toBe(false);
  });

  it("given notes of an exited process, of another host, of another store and a file that is not a note, when listed for the store, then only the exited process's run of that store is left open and the stray file is named", () => {
    const notes = new OpenRunNotes(join(mkdtempSync(join(tmpdir(), 'ds-notes-')), 'open-runs'));
    notes.write({ ...run, runId: 'mine' });
    const pid = deadPid();
    noteFile(notes, { ...run, runId: 'gone', process: { pid, host: hostname() } });
    noteFile(notes, { ...run, runId: 'elsewhere', process: { pid, host: `not-${hostname()}` } });
    noteFile(notes, { ...run, runId: 'to-the-hub', store: storeKey({ kind: 'hub', url: 'https://hub.example' }), process: { pid, host: hostname() } });
    writeFileSync(join(notes.directory, 'torn.json'), '{"runId":');
    const found = notes.leftByGoneProcesses(STORE);
    expect(found.notes.map((n) => n.runId)).toEqual(['gone']);
    expect(found.unreadable).toEqual([join(notes.directory, 'torn.json')]);
  });
});
