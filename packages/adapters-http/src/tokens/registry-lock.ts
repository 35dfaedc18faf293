import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { hostname } from 'node:os';
import { DotscienceError } from '@dotscience/core';

/** Another writer kept the token file's lock longer than a change ever takes. */
export class TokenRegistryBusyError extends DotscienceError {
  readonly code = 'TOKEN_REGISTRY_BUSY';
  constructor(
    readonly lockFile: string,
    holder: string,
  ) {
    super(
      `the token file is being changed by ${holder || 'another process'} (lock ${lockFile}) — try again; if no ds process is running, remove the lock file`,
    );
  }
}

export interface RegistryLockOptions {
  /** How long to wait for another writer before giving up (default 10 s). */
  waitMs?: number;
  /** A lock older than this is stale whoever holds it: a change takes milliseconds (default 30 s). */
  staleMs?: number;
}

interface Holder {
  pid: number;
  host: string;
  at: number;
  nonce: string;
}

/**
 * A lock file beside the token file, taken with O_EXCL: one change of the file at
 * a time across every process on the machine (`ds serve` and any number of
 * `ds token` commands). A lock whose holder died (same host, pid gone) or that is
 * older than `staleMs` is broken: it is moved aside under a unique name first and
 * removed only if it is still the stale one seen, so two waiters breaking it at once
 * cannot remove a fresh lock.
 */
export async function withRegistryLock<T>(lockFile: string, change: () => Promise<T>, options: RegistryLockOptions = {}): Promise<T> {
  const waitMs = options.waitMs ?? 10_000;
  const staleMs = options.staleMs ?? 30_000;
  const me: Holder = { pid: process.pid, host: hostname(), at: Date.now(), nonce: randomBytes(8).toString('hex') };
  const deadline = Date.now() + waitMs;
  let pause = 2;
  for (;;) {
    try {
      await fsp.writeFile(lockFile, JSON.stringify(me), { flag: 'wx', mode: 0o600 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const seen = await fsp.readFile(lockFile, 'utf8').catch(() => undefined);
    if (seen !== undefined && (await isStale(lockFile, seen, staleMs))) await breakStaleLock(lockFile, seen);
    else if (Date.now() > deadline) throw new TokenRegistryBusyError(lockFile, seen ?? '');
    else {
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, 50);
    }
  }
  try {
    return await change();
  } finally {
    await fsp.rm(lockFile, { force: true });
  }
}

async function isStale(lockFile: string, text: string, staleMs: number): Promise<boolean> {
  let holder: Partial<Holder>;
  try {
    holder = JSON.parse(text) as Partial<Holder>;
  } catch {
    // Being written right now (created, then written), or its writer died in between: judged by its age.
    const stat = await fsp.stat(lockFile).catch(() => undefined);
    return stat !== undefined && Date.now() - stat.mtimeMs > staleMs;
  }
  if (typeof holder.at !== 'number' || Date.now() - holder.at > staleMs) return true;
  if (holder.host !== hostname() || typeof holder.pid !== 'number') return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function breakStaleLock(lockFile: string, seen: string): Promise<void> {
  const aside = `${lockFile}.${randomBytes(6).toString('hex')}.stale`;
  try {
    await fsp.rename(lockFile, aside);
  } catch {
    return; // someone else moved it first
  }
  const moved = await fsp.readFile(aside, 'utf8').catch(() => undefined);
  // A fresh lock taken between our read and the move goes back where it was.
  if (moved !== seen) await fsp.link(aside, lockFile).catch(() => undefined);
  await fsp.rm(aside, { force: true });
}
