import { statSync, writeSync } from 'node:fs';
import { mkdir, open, type FileHandle } from 'node:fs/promises';

/** When a ledger file's lines are synced: see OpenLedgerFiles. */
export interface LedgerSyncPolicy {
  /** A sync starts once this many bytes were written since the last one started. */
  everyBytes: number;
  /** …or at a write this long after the last one started. */
  everyMs: number;
  /** A file without a write for this long is synced and closed. */
  idleMs: number;
}

export const DEFAULT_LEDGER_SYNC: LedgerSyncPolicy = { everyBytes: 1024 * 1024, everyMs: 1000, idleMs: 1000 };

interface HeldFile {
  fh: FileHandle;
  /** The inode the path named when it was opened. */
  ino: number;
  idle: NodeJS.Timeout;
  /** Bytes written that no sync covers yet, and those of the sync in flight. */
  unsynced: number;
  syncingBytes: number;
  syncing: Promise<void> | undefined;
  lastSyncAt: number;
}

/**
 * The ledger files a writer keeps open while writes keep coming, written on this thread and
 * synced in the background.
 *
 * Open: a hub writes a project's file again and again, and opening and closing it for each
 * write cost two thread-pool round trips more than the write itself (D135). Before each write
 * the path must still name the file held open (one stat, no thread pool): a file or directory
 * removed or replaced meanwhile is made again.
 *
 * Synced (D182): lines reach the page cache at once and a sync (fdatasync, on the thread pool,
 * one in flight per file) starts once `everyBytes` were written since the last one, or at the
 * first write `everyMs` after it, and before an idle file is closed. Left to the kernel, a busy
 * hub's receipts piled up (~2 MB/s at 4,000 appends/s) until its periodic writeback flushed
 * ~50 MB at once, and the log's fdatasync waited behind that flush for 65-95 ms. A crash loses
 * at most the lines of the last `everyBytes` or `everyMs`.
 */
export class OpenLedgerFiles {
  private readonly held = new Map<string, HeldFile>();
  /** Files being closed: the sync before the close, and the bytes it covers. */
  private readonly closing = new Map<string, { done: Promise<void>; bytes: number }>();
  /** Per file, a sync that failed: its lines may be lost, and the next write to it fails with this. */
  private readonly syncFailures = new Map<string, unknown>();
  /** Whether `dir` was made (or found): writes need not make it again, unless it is gone. */
  private dirMade = false;

  constructor(
    private readonly dir: string,
    private readonly policy: LedgerSyncPolicy,
  ) {}

  /** Append `bytes` to `file` (0600 when made), making the directory (0700) first if it was not yet, or is gone. */
  async write(file: string, bytes: Buffer): Promise<void> {
    let held = this.held.get(file);
    if (held && !pathNames(file, held.ino)) {
      this.close(file);
      held = undefined;
    }
    if (this.syncFailures.has(file)) {
      const error = this.syncFailures.get(file);
      this.syncFailures.delete(file);
      this.close(file);
      throw error;
    }
    held ??= await this.open(file);
    for (let done = 0; done < bytes.length;) done += writeSync(held.fh.fd, bytes, done);
    held.unsynced += bytes.length;
    held.idle.refresh();
    if (held.syncing === undefined && (held.unsynced >= this.policy.everyBytes || Date.now() - held.lastSyncAt >= this.policy.everyMs)) this.sync(file, held);
  }

  /** Bytes written to `file` that no finished sync covers (a failed sync's included). */
  unsyncedBytes(file: string): number {
    const held = this.held.get(file);
    return (held ? held.unsynced + held.syncingBytes : 0) + (this.closing.get(file)?.bytes ?? 0);
  }

  /** Resolves once what was written to `file` so far has been synced, or a sync of it failed. */
  async synced(file: string): Promise<void> {
    await this.closing.get(file)?.done;
    const held = this.held.get(file);
    if (!held) return;
    if (held.syncing === undefined && held.unsynced > 0) this.sync(file, held);
    await held.syncing;
    if (held.unsynced > 0) await this.synced(file);
  }

  private sync(file: string, held: HeldFile): void {
    held.syncingBytes = held.unsynced;
    held.unsynced = 0;
    held.lastSyncAt = Date.now();
    held.syncing = held.fh.datasync().then(
      () => {
        held.syncingBytes = 0;
        held.syncing = undefined;
      },
      (error: unknown) => {
        this.syncFailures.set(file, error);
        held.syncing = undefined;
      },
    );
  }

  private async open(file: string): Promise<HeldFile> {
    if (!this.dirMade) {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      this.dirMade = true;
    }
    let fh: FileHandle;
    try {
      fh = await open(file, 'a', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await mkdir(this.dir, { recursive: true, mode: 0o700 }); // the directory was removed: make it again
      fh = await open(file, 'a', 0o600);
    }
    const idle = setTimeout(() => this.close(file), this.policy.idleMs).unref();
    const held: HeldFile = { fh, ino: (await fh.stat()).ino, idle, unsynced: 0, syncingBytes: 0, syncing: undefined, lastSyncAt: Date.now() };
    this.held.set(file, held);
    return held;
  }

  /** Close the file held open for `file`, if any, once what was written to it is synced. */
  private close(file: string): void {
    const held = this.held.get(file);
    if (!held) return;
    this.held.delete(file);
    clearTimeout(held.idle);
    const closing = { bytes: held.unsynced + held.syncingBytes, done: Promise.resolve() };
    closing.done = (async () => {
      await held.syncing;
      if (held.unsynced > 0) await held.fh.datasync();
      closing.bytes = 0;
    })()
      .catch((error: unknown) => void this.syncFailures.set(file, error))
      .finally(() => {
        if (this.closing.get(file) === closing) this.closing.delete(file);
        return held.fh.close().catch(() => undefined);
      });
    this.closing.set(file, closing);
  }
}

/** Whether `file` names the inode `ino` now. */
function pathNames(file: string, ino: number): boolean {
  try {
    return statSync(file).ino === ino;
  } catch {
    return false;
  }
}
