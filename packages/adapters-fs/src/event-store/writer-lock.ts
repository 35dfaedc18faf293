import { link, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { syncDirectory } from './atomic-file.js';
import { DiskFullError, WriterLockedError, isDiskFull } from './event-store-errors.js';
import { formatHolder, holderIsAlive, parseHolder, thisProcess, type LockHolder } from './lock-holder.js';
import { STORE_FILE_MODE } from '../store-file-modes.js';

export interface WriterLockOptions {
  /** Wait for a live writer to release the lock instead of failing. Default false. */
  wait?: boolean;
  /** Give up waiting after this long (then WriterLockedError). Default 30 s. */
  timeoutMs?: number;
  /** How often to look again while waiting. Default 25 ms. */
  retryMs?: number;
}

/** Lock paths this process holds (a lock naming our pid that is not here was left by an earlier process). */
const heldHere = new Set<string>();

/**
 * One writer at a time across processes: a lock file created with O_EXCL holding
 * the owner (pid, boot id, process start time: see LockHolder). A lock whose
 * holder is gone — dead pid, taken before the last boot, or a pid now reused by
 * another process — is stale and taken over; a live one fails with
 * WriterLockedError naming pid and path, or is waited for. Release removes the
 * lock durably (directory fsync), so a crash after a clean close cannot bring it back.
 */
export class WriterLock {
  private constructor(readonly path: string) {}

  static async acquire(path: string, options: WriterLockOptions = {}): Promise<WriterLock> {
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    for (;;) {
      const holder = await tryCreate(path);
      if (holder === undefined) {
        heldHere.add(path);
        return new WriterLock(path);
      }
      if (holder === null) continue; // the lock vanished between our two looks
      if (!holderIsAlive(holder, heldHere.has(path))) {
        await takeOverStale(path, holder);
        continue;
      }
      if (!options.wait || Date.now() >= deadline) throw new WriterLockedError(path, holder.pid);
      await sleep(options.retryMs ?? 25);
    }
  }

  async release(): Promise<void> {
    // Remove only our own lock (a takeover may have happened if we were believed dead).
    const holder = await readHolder(this.path);
    heldHere.delete(this.path);
    if (holder && holder.pid === process.pid) {
      await unlink(this.path).catch(() => undefined);
      await syncDirectory(dirname(this.path)).catch(() => undefined);
    }
  }
}

/** undefined: created (we hold it); a holder: held by it; null: gone meanwhile, look again. */
async function tryCreate(path: string): Promise<LockHolder | null | undefined> {
  let created: boolean;
  try {
    created = await publishLockFile(path);
  } catch (error) {
    throw isDiskFull(error) ? new DiskFullError(path, 'the writer lock could not be taken, so nothing was written') : error;
  }
  if (created) return undefined;
  const holder = await readHolder(path);
  if (holder === undefined) return null; // removed meanwhile: just try again
  if (holder === null) {
    // Left empty or unreadable (by hand, or by a build that wrote the pid after creating the file).
    await sleep(50);
    const again = await readHolder(path);
    return again === null ? { pid: -1 } : (again ?? null);
  }
  return holder;
}

/**
 * Create the lock file already holding our pid: the pid is written to a private
 * temp file and hard-linked to the lock path (atomic, EEXIST when held). Created
 * empty and written afterwards, a live owner's lock could look empty for longer
 * than a waiter's patience on a busy machine and be taken over as stale — two
 * writers, and one's acknowledged appends overwritten. False when the lock exists.
 */
async function publishLockFile(path: string): Promise<boolean> {
  const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.new`;
  const fh = await open(temp, 'wx', STORE_FILE_MODE);
  try {
    await fh.writeFile(formatHolder(thisProcess()));
    await fh.datasync();
  } catch (error) {
    await fh.close();
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await fh.close();
  try {
    await link(temp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** The holder in the lock file; null when it names none; undefined when there is no lock file. */
async function readHolder(path: string): Promise<LockHolder | null | undefined> {
  try {
    return parseHolder(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}

const sameHolder = (a: LockHolder, b: LockHolder): boolean => a.pid === b.pid && a.bootId === b.bootId && a.startTime === b.startTime;

/**
 * Move the stale lock aside atomically and check it was the stale one we judged;
 * if another process replaced it in between, put theirs back.
 */
async function takeOverStale(path: string, stale: LockHolder): Promise<void> {
  const aside = `${path}.stale-${process.pid}`;
  try {
    await rename(path, aside);
  } catch {
    return; // someone else took it over first: try to create again
  }
  const moved = await readHolder(aside);
  if (!moved || sameHolder(moved, stale) || !holderIsAlive(moved, heldHere.has(path))) {
    await unlink(aside).catch(() => undefined);
    return;
  }
  await rename(aside, path).catch(() => undefined);
}
