import { link, open, readFile, rename, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { WriterLockedError } from './event-store-errors.js';

export interface WriterLockOptions {
  /** Wait for a live writer to release the lock instead of failing. Default false. */
  wait?: boolean;
  /** Give up waiting after this long (then WriterLockedError). Default 30 s. */
  timeoutMs?: number;
  /** How often to look again while waiting. Default 25 ms. */
  retryMs?: number;
}

/**
 * One writer at a time across processes: a lock file created with O_EXCL holding
 * the owner's pid. A lock whose pid is dead (kill(pid, 0) → ESRCH) is stale and
 * taken over; a live one fails with WriterLockedError naming pid and path, or is
 * waited for.
 */
export class WriterLock {
  private constructor(readonly path: string) {}

  static async acquire(path: string, options: WriterLockOptions = {}): Promise<WriterLock> {
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    for (;;) {
      const holder = await tryCreate(path);
      if (holder === undefined) return new WriterLock(path);
      if (holder === null) continue; // the lock vanished between our two looks
      if (holder !== null && !isAlive(holder)) {
        await takeOverStale(path, holder);
        continue;
      }
      if (!options.wait || Date.now() >= deadline) throw new WriterLockedError(path, holder ?? -1);
      await sleep(options.retryMs ?? 25);
    }
  }

  async release(): Promise<void> {
    // Remove only our own lock (a takeover may have happened if we were believed dead).
    if ((await readPid(this.path)) === process.pid) await unlink(this.path).catch(() => undefined);
  }
}

/** undefined: created (we hold it); a pid: held by it; null: held, pid not written yet. */
async function tryCreate(path: string): Promise<number | null | undefined> {
  if (await publishLockFile(path)) return undefined;
  const pid = await readPid(path);
  if (pid === undefined) return null; // removed meanwhile: just try again
  if (pid === null) {
    // Created but not yet written by its owner, or left empty by a crash between the two steps.
    await sleep(50);
    const again = await readPid(path);
    return again === null ? -1 : (again ?? null);
  }
  return pid;
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
  const fh = await open(temp, 'wx');
  try {
    await fh.writeFile(`${process.pid}\n`);
    await fh.datasync();
  } finally {
    await fh.close();
  }
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

/** The pid in the lock file; null when it holds none; undefined when there is no lock file. */
async function readPid(path: string): Promise<number | null | undefined> {
  try {
    const text = (await readFile(path, 'utf8')).trim();
    return /^\d+$/.test(text) ? Number(text) : null;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  if (pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Move the stale lock aside atomically and check it was the stale one we judged;
 * if another process replaced it in between, put theirs back.
 */
async function takeOverStale(path: string, deadPid: number): Promise<void> {
  const aside = `${path}.stale-${process.pid}`;
  try {
    await rename(path, aside);
  } catch {
    return; // someone else took it over first: try to create again
  }
  const moved = await readPid(aside);
  if (moved === deadPid || moved === null || moved === -1 || (typeof moved === 'number' && !isAlive(moved))) {
    await unlink(aside).catch(() => undefined);
    return;
  }
  await rename(aside, path).catch(() => undefined);
}
