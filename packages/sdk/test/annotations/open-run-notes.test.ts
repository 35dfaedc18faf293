import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
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

function readlinkOr(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}

function noteFile(notes: OpenRunNotes, note: OpenRunNote): void {
  writeFileSync(join(notes.directory, `${note.runId}.json`), JSON.stringify(note));
}

describe('open-run notes (real files)', () => {
  /** The note files in the notes' directory (not .gitignore). */
  function noteFiles(notes: OpenRunNotes): string[] {
    return readdirSync(notes.directory).filter((n) => n.endsWith('.json'));
  }

  it('given a run noted by this process, when notes of gone processes are listed, then it is not among them; its exit code is added in its file', () => {
    const notes = new OpenRunNotes(join(mkdtempSync(join(tmpdir(), 'ds-notes-')), 'open-runs'));
    notes.write(run);
    expect(readFileSync(join(notes.directory, '.gitignore'), 'utf8')).toContain('*');
    expect(notes.leftByGoneProcesses(STORE)).toEqual({ notes: [], unreadable: [] });
    notes.noteExit('r1', 3);
    const [file] = noteFiles(notes);
    expect(JSON.parse(readFileSync(join(notes.directory, file!), 'utf8'))).toMatchObject({
      runId: 'r1',
      exitCode: 3,
      process: { pid: process.pid, host: hostname() },
    });
  });

  it('given a run whose end is durable (removed), when the process starts its next run, then that run is noted in the same file, of the same size; close() removes the free file', () => {
    const notes = new OpenRunNotes(join(mkdtempSync(join(tmpdir(), 'ds-notes-')), 'open-runs'));
    notes.write(run);
    const [file] = noteFiles(notes);
    const path = join(notes.directory, file!);
    const size = statSync(path).size;
    notes.remove('r1');
    notes.write({ ...run, runId: 'r2', workload: { script: 'a-much-longer-script-name-than-before.ts' } });
    expect(noteFiles(notes)).toEqual([file]);
    expect(statSync(path).size).toBe(size);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ runId: 'r2', workload: { script: 'a-much-longer-script-name-than-before.ts' } });
    notes.close();
    expect(noteFiles(notes)).toEqual([file]); // r2 is still open: its note stays
    notes.remove('r2');
    notes.close();
    expect(noteFiles(notes)).toEqual([]);
  });

  it('given a run noted in a reused file, when write() returns, then the note is in the file, synced() settles once it is durable, and close() lets go of the file', async () => {
    const notes = new OpenRunNotes(join(mkdtempSync(join(tmpdir(), 'ds-notes-')), 'open-runs'));
    notes.write(run);
    expect(await notes.synced('r1')).toBeUndefined(); // the first note of a file is made durable before write() returns
    notes.remove('r1');
    const [file] = noteFiles(notes);
    const path = join(notes.directory, file!);
    /** This process's descriptors open on the note file (Linux). */
    const heldOpen = () => readdirSync('/proc/self/fd').filter((fd) => readlinkOr(`/proc/self/fd/${fd}`).startsWith(path)).length;
    expect(heldOpen()).toBe(0);
    notes.write({ ...run, runId: 'r2' });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ runId: 'r2' });
    expect(heldOpen()).toBe(1); // kept open for the runs after it
    expect(await notes.synced('r2')).toBeUndefined();
    notes.remove('r2');
    notes.close();
    await new Promise((resolve) => setImmediate(resolve));
    expect(heldOpen()).toBe(0);
    expect(noteFiles(notes)).toEqual([]);
  });

  it('given two runs open at once in one process, when each is noted, then each has its own file, and a note longer than a block still reads whole', () => {
    const notes = new OpenRunNotes(join(mkdtempSync(join(tmpdir(), 'ds-notes-')), 'open-runs'));
    notes.write(run);
    notes.write({ ...run, runId: 'r2', workload: { script: 'x'.repeat(6000) } });
    const read = noteFiles(notes).map((f) => (JSON.parse(readFileSync(join(notes.directory, f), 'utf8')) as OpenRunNote).runId);
    expect(read.sort()).toEqual(['r1', 'r2']);
    notes.noteExit('r2', 1);
    const r2 = noteFiles(notes)
      .map((f) => JSON.parse(readFileSync(join(notes.directory, f), 'utf8')) as OpenRunNote)
      .find((n) => n.runId === 'r2');
    expect(r2).toMatchObject({ exitCode: 1, workload: { script: 'x'.repeat(6000) } });
  });

  it('given the note file of a gone process that it reused for its runs, when listed and its run removed by the settler, then its run is found and the file deleted', () => {
    const notes = new OpenRunNotes(join(mkdtempSync(join(tmpdir(), 'ds-notes-')), 'open-runs'));
    notes.write({ ...run, runId: 'mine' });
    const pid = deadPid();
    writeFileSync(
      join(notes.directory, 'slot-of-a-gone-process.json'),
      `${JSON.stringify({ ...run, runId: 'reused', process: { pid, host: hostname() } })}\n${' '.repeat(100)}`,
    );
    const settler = new OpenRunNotes(notes.directory);
    expect(settler.leftByGoneProcesses(STORE).notes.map((n) => n.runId)).toEqual(['reused']);
    settler.remove('reused');
    expect(existsSync(join(notes.directory, 'slot-of-a-gone-process.json'))).toBe(false);
    expect(settler.leftByGoneProcesses(STORE).notes).toEqual([]);
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
