import {
  closeSync,
  fdatasync,
  fdatasyncSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { createHash, randomUUID } from 'node:crypto';
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
/** A note file a process reuses for its runs one after another (its name says no run). */
const SLOT_PREFIX = 'slot-';

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

/** Write `text` to a new file at `path` so that it is whole or absent after any crash: temp file, fsync, rename, fsync the directory. */
function createDurably(directory: string, path: string, text: string): void {
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

/** A slot's bytes are a multiple of this: a note rewritten in place keeps the file's size, so its fdatasync writes one data block and no metadata. */
const SLOT_BLOCK = 4096;

/** `note` as a slot's text: its JSON line, padded with spaces (which JSON.parse ignores) to `size` bytes, or to the next block when longer. */
function slotText(note: OpenRunNote, size: number): string {
  const line = `${JSON.stringify(note)}\n`;
  const length = Buffer.byteLength(line);
  const padded = length <= size ? size : Math.ceil(length / SLOT_BLOCK) * SLOT_BLOCK;
  return line + ' '.repeat(padded - length);
}

/** A note file this process writes notes into, one run at a time, and the run it notes now (undefined: free for the next). */
interface Slot {
  path: string;
  size: number;
  runId: string | undefined;
  note: OpenRunNote | undefined;
  /** The file, kept open while the slot is this instance's (undefined until its first rewrite). */
  fd: number | undefined;
  /** Settles when the note last written is durable: undefined, or the error of its fdatasync. */
  synced: Promise<Error | undefined>;
}

const SYNCED: Promise<Error | undefined> = Promise.resolve(undefined);

/** fdatasync on the thread pool: settles with its error, never rejects. */
function datasyncSoon(fd: number): Promise<Error | undefined> {
  return new Promise((settle) => fdatasync(fd, (error) => settle(error ?? undefined)));
}

/**
 * The runs SDK processes have started and not finished recording, one small
 * JSON file per open run in the project's local folder (docs/decisions.md
 * D77, D161, D174). A note is in its file before start() returns, so a
 * process that exits at once (process.exit(), a crash, a kill) still leaves
 * its run behind; the stores write asynchronously and could not have. The
 * first note of a file is made durable before start() returns; a note
 * rewritten in a reused file is made durable by an fdatasync on the thread
 * pool, which the run's start waits for before it is written to the store
 * (synced). The 'exit' handler adds the exit code, synchronously and durably.
 * Once the run's end (RunPublished, or RunErrored at exit) is durable in the
 * store, the note's file becomes free: the next run this process starts is
 * noted in it, rewritten in place (a sweep's run pays no file creation,
 * rename, directory fsync or unlink); close(), or the process's exit, removes
 * the free files. A note whose process is gone is settled by the next writer that opens the
 * store (settleRunsLeftOpen), through the ordinary append path: under the
 * writer lock, on the run's hash chain; a note naming a run already ended
 * needs nothing there.
 */
export class OpenRunNotes {
  /** This instance's note files: the run each notes, or free. */
  private readonly slots: Slot[] = [];
  /** Where the notes last listed by leftByGoneProcesses lie, by run id (remove() deletes them). */
  private readonly listed = new Map<string, string>();

  /** This process as its notes name it (its pid, boot and start time do not change while it runs). */
  private noting: ReturnType<typeof thisProcess> | undefined;

  constructor(readonly directory: string) {}

  private noter(): ReturnType<typeof thisProcess> {
    return (this.noting ??= thisProcess());
  }

  /** Note a run this process has just started (before any of it is written to the store). */
  write(run: Omit<OpenRunNote, 'process'>): void {
    const note: OpenRunNote = { ...run, process: { ...this.noter(), host: hostname() } };
    const free = this.slots.find((slot) => slot.runId === undefined);
    if (free) {
      this.rewrite(free, note, 'soon');
      return;
    }
    // Git ignores the notes (with a hub store, nothing else may make it ignore .dotscience/): a run's code stays clean.
    // Notes name the user, host and pid: the store's modes (every directory the mkdir creates, .dotscience/ too, and each file).
    if (mkdirSync(this.directory, { recursive: true, mode: STORE_DIRECTORY_MODE }) !== undefined) {
      writeFileSync(join(this.directory, '.gitignore'), STORE_GITIGNORE, { mode: STORE_FILE_MODE });
    }
    const path = join(this.directory, `${SLOT_PREFIX}${randomUUID()}${SUFFIX}`);
    const text = slotText(note, SLOT_BLOCK);
    createDurably(this.directory, path, text);
    this.slots.push({ path, size: Buffer.byteLength(text), runId: run.runId, note, fd: undefined, synced: SYNCED });
    closedAtExit(this);
  }

  /**
   * Settles once the note of `runId` is durable (undefined), or with the error that kept it
   * from being so. The run's start must not reach the store before: a store that holds a
   * run's start then also leaves its note behind, whatever ends the machine.
   */
  synced(runId: string): Promise<Error | undefined> {
    return this.slots.find((s) => s.runId === runId)?.synced ?? SYNCED;
  }

  /** Add the exit code to a run's note (in the process's 'exit' handler: synchronous). */
  noteExit(runId: string, exitCode: number): void {
    const slot = this.slots.find((s) => s.runId === runId);
    if (slot?.note) this.rewrite(slot, { ...slot.note, exitCode }, 'now');
  }

  /** Forget a run whose end is durable in the store: this process's note file of it is free for its next run; a listed note's file is deleted. */
  remove(runId: string): void {
    const slot = this.slots.find((s) => s.runId === runId);
    if (slot) {
      slot.runId = undefined;
      slot.note = undefined;
      return;
    }
    unlinkIfThere(this.listed.get(runId) ?? this.path(runId));
    this.listed.delete(runId);
  }

  /** Remove this instance's free note files (its open runs keep theirs). A file left behind names an ended run: the next writer removes it. */
  close(): void {
    for (const slot of this.slots.filter((s) => s.runId === undefined)) {
      unlinkIfThere(slot.path);
      this.slots.splice(this.slots.indexOf(slot), 1);
      const fd = slot.fd;
      // Closed once its last fdatasync is done, so that no later open reuses the number under it.
      if (fd !== undefined) void slot.synced.then(() => closeSync(fd));
    }
    if (this.slots.length === 0) openAtExit.delete(this);
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
      const path = join(this.directory, name);
      // A note file of this process's own (a slot) or one named after its run (as every note was before slots).
      const note = readNote(path, name.startsWith(SLOT_PREFIX) ? undefined : name.slice(0, -SUFFIX.length));
      if (note === undefined) continue; // removed meanwhile
      if (note === null) unreadable.push(path);
      else if (note.store === store && isGone(note.process)) {
        notes.push(note);
        this.listed.set(note.runId, path);
      }
    }
    return { notes, unreadable };
  }

  /** The note file of `runId` as notes were named before slots (a store may still hold some). */
  private path(runId: string): string {
    return join(this.directory, `${runId}${SUFFIX}`);
  }

  /**
   * Rewrite a slot's note in place: one write of the same size, in the file before this
   * returns (so it outlives the process however it ends), then one fdatasync — `now`, or
   * `soon` on the thread pool, which `synced` waits for (docs/decisions.md D174).
   */
  private rewrite(slot: Slot, note: OpenRunNote, durable: 'now' | 'soon'): void {
    const text = slotText(note, slot.size);
    slot.fd ??= openSync(slot.path, 'r+');
    writeSync(slot.fd, text, 0);
    if (durable === 'now') {
      fdatasyncSync(slot.fd);
      slot.synced = SYNCED;
    } else slot.synced = datasyncSoon(slot.fd);
    slot.size = Buffer.byteLength(text);
    slot.runId = note.runId;
    slot.note = note;
  }
}

/** Notes with files, whose free files are removed when the process exits (normally or through process.exit()). */
const openAtExit = new Set<OpenRunNotes>();
let exitListened = false;

function closedAtExit(notes: OpenRunNotes): void {
  if (!exitListened) process.once('exit', closeAllAtExit);
  exitListened = true;
  openAtExit.add(notes);
}

function closeAllAtExit(): void {
  for (const notes of openAtExit) {
    try {
      notes.close();
    } catch {
      // A free note file left behind names an ended run: the next writer removes it.
    }
  }
  openAtExit.clear();
  exitListened = false;
}

function unlinkIfThere(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
}

/** The note in `path`; undefined when there is none, null when the file is not a note (or not of `runId`, when its name says the run). */
function readNote(path: string, runId: string | undefined): OpenRunNote | null | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
  try {
    const parsed = OpenRunNoteSchema.safeParse(JSON.parse(text));
    return parsed.success && (runId === undefined || parsed.data.runId === runId) ? parsed.data : null;
  } catch {
    return null;
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
