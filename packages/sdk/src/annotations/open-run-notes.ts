import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { STORE_DIRECTORY_MODE, STORE_FILE_MODE, holderIsAlive, thisProcess } from '@dotscience/adapters-fs';
import { RunLeftOpenSchema } from '@dotscience/core';
import { z } from 'zod';
import { STORE_GITIGNORE } from '../configuration/store-git-ignore.js';
import type { StoreLocation } from '../configuration/storage-locations.js';

/** The process that noted a run: enough to tell later whether it is still running (as the fs writer lock does). */
const NotingProcessSchema = z.object({
  pid: z.number().int().positive(),
  bootId: z.string().optional(),
  startTime: z.string().optional(),
  host: z.string(),
});

export const OpenRunNoteSchema = RunLeftOpenSchema.extend({
  /** The event store the run is written to (storeKey): only an opener of that store settles the note. */
  store: z.string().min(1),
  process: NotingProcessSchema,
});
export type OpenRunNote = z.infer<typeof OpenRunNoteSchema>;

const SUFFIX = '.json';

/**
 * Names an event store in a note: the fs log's directory, the hub's URL, or a digest of a
 * KurrentDB connection string (which may hold a password). One project folder can hold notes
 * for several stores (after `connect()`, or a changed configuration): each goes to its own.
 */
export function storeKey(store: StoreLocation): string {
  switch (store.kind) {
    case 'fs':
      return `fs:${store.directory}`;
    case 'hub':
      return `hub:${store.url}`;
    case 'kurrentdb':
      return `kurrentdb:sha256:${createHash('sha256').update(store.connectionString).digest('hex')}`;
  }
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/** Write `text` to `path` so that it is whole or absent after any crash: temp file, fsync, rename, fsync the directory. */
function writeDurably(directory: string, path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', STORE_FILE_MODE);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  const dir = openSync(directory, 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/**
 * The runs SDK processes have started and not finished recording, one small
 * JSON file per run in the project's local folder (docs/decisions.md
 * "Open-run notes"). A note is written synchronously — durable before start()
 * returns — so a process that exits at once (process.exit(), a crash, a kill)
 * still leaves its run behind; the stores write asynchronously and could not
 * have. The 'exit' handler adds the exit code, also synchronously. The process
 * removes its note once the run's end (RunPublished, or RunErrored at exit) is
 * durable in the store; a note whose process is gone is settled by the next
 * writer that opens the store (settleRunsLeftOpen), through the ordinary
 * append path: under the writer lock, on the run's hash chain.
 */
export class OpenRunNotes {
  constructor(readonly directory: string) {}

  private path(runId: string): string {
    return join(this.directory, `${runId}${SUFFIX}`);
  }

  /** Note a run this process has just started (before any of it is written to the store). */
  write(run: Omit<OpenRunNote, 'process'>): void {
    // Git ignores the notes (with a hub store, nothing else may make it ignore .dotscience/): a run's code stays clean.
    // Notes name the user, host and pid: the store's modes (every directory the mkdir creates, .dotscience/ too, and each file).
    if (mkdirSync(this.directory, { recursive: true, mode: STORE_DIRECTORY_MODE }) !== undefined) {
      writeFileSync(join(this.directory, '.gitignore'), STORE_GITIGNORE, { mode: STORE_FILE_MODE });
    }
    const note: OpenRunNote = { ...run, process: { ...thisProcess(), host: hostname() } };
    writeDurably(this.directory, this.path(run.runId), `${JSON.stringify(note)}\n`);
  }

  /** Add the exit code to a run's note (in the process's 'exit' handler: synchronous). */
  noteExit(runId: string, exitCode: number): void {
    const note = this.read(runId);
    if (note) writeDurably(this.directory, this.path(runId), `${JSON.stringify({ ...note, exitCode })}\n`);
  }

  /** Forget a run whose end is durable in the store. */
  remove(runId: string): void {
    try {
      unlinkSync(this.path(runId));
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }

  /** The notes of runs written to `store` whose process is gone; `unreadable` names files that are not notes (left in place). */
  leftByGoneProcesses(store: string): { notes: OpenRunNote[]; unreadable: string[] } {
    let names: string[];
    try {
      names = readdirSync(this.directory).filter((n) => n.endsWith(SUFFIX));
    } catch (error) {
      if (isMissing(error)) return { notes: [], unreadable: [] };
      throw error;
    }
    const notes: OpenRunNote[] = [];
    const unreadable: string[] = [];
    for (const name of names) {
      const note = this.read(name.slice(0, -SUFFIX.length));
      if (note === undefined) continue; // removed meanwhile
      if (note === null) unreadable.push(join(this.directory, name));
      else if (note.store === store && isGone(note.process)) notes.push(note);
    }
    return { notes, unreadable };
  }

  /** The note of `runId`; undefined when there is none, null when the file is not a note. */
  private read(runId: string): OpenRunNote | null | undefined {
    let text: string;
    try {
      text = readFileSync(this.path(runId), 'utf8');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    try {
      const parsed = OpenRunNoteSchema.safeParse(JSON.parse(text));
      return parsed.success && parsed.data.runId === runId ? parsed.data : null;
    } catch {
      return null;
    }
  }
}

/**
 * Whether the noting process has certainly ended. A note from another host is
 * never taken as gone (its process cannot be looked at from here), so a run
 * still being recorded elsewhere is not marked errored.
 */
function isGone(noter: OpenRunNote['process']): boolean {
  if (noter.host !== hostname()) return false;
  if (noter.pid === process.pid) {
    const self = thisProcess();
    return noter.startTime !== undefined && self.startTime !== undefined && noter.startTime !== self.startTime;
  }
  return !holderIsAlive(noter, false);
}

/** Whether some run of `store` was left open by a process that is gone (cheap: one directory listing when there is none). */
export function runsWereLeftOpen(directory: string, store: StoreLocation): boolean {
  try {
    return new OpenRunNotes(directory).leftByGoneProcesses(storeKey(store)).notes.length > 0;
  } catch {
    return false;
  }
}
