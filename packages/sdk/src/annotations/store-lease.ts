import { DotscienceError } from '@dotscience/core';
import { openDotscience, type Dotscience, type OpenOptions } from '../composition-root.js';

/** The fs event store's error when another live process holds its writer lock (adapters-fs WriterLockedError). */
function lockHolder(error: unknown): { pid: number; lockPath: string } | undefined {
  if (error instanceof DotscienceError && error.code === 'WRITER_LOCKED') {
    const { pid, lockPath } = error as DotscienceError & { pid: number; lockPath: string };
    return { pid, lockPath };
  }
  return undefined;
}

/** The store stayed locked by another process for longer than the client waits. */
export class StoreLockTimeoutError extends DotscienceError {
  readonly code = 'STORE_LOCK_TIMEOUT';
  constructor(
    readonly pid: number,
    readonly lockPath: string,
    readonly waitedMs: number,
  ) {
    super(
      `the event store is still locked by process ${pid} (lock file ${lockPath}) after waiting ${Math.round(waitedMs / 1000)} s — ` +
        'let that process publish or exit, or raise lockTimeoutMs',
    );
  }
}

/** The store was opened by the caller and handed to the client; the client cannot reconfigure it. */
export class StoreNotOwnedError extends DotscienceError {
  readonly code = 'STORE_NOT_OWNED';
  constructor(readonly operation: string) {
    super(`${operation}: this client was given an opened Dotscience, so it cannot change where it writes — create the client with open options instead`);
  }
}

export interface StoreLeaseOptions {
  open: OpenOptions;
  /** Give up waiting for another process's writer lock after this long. */
  lockTimeoutMs: number;
  log: (line: string) => void;
}

/**
 * The client's hold on the stores. The fs event store admits one writer
 * process at a time (a lock file), so a client opens the stores when it first
 * needs them and closes them when no run is open (after publish, and at
 * exit): other processes and the `ds` CLI write between runs. When another
 * process holds the lock the client says so on stderr and waits.
 * A Dotscience handed in already opened is used as is and never closed here.
 */
export class StoreLease {
  private opened: Dotscience | undefined;
  private opening: Promise<Dotscience> | undefined;
  private closing: Promise<void> = Promise.resolve();
  private readonly given: Dotscience | undefined;
  private options: StoreLeaseOptions | undefined;

  constructor(source: Dotscience | StoreLeaseOptions) {
    if (isOpened(source)) this.given = source;
    else this.options = source;
  }

  /** The opened stores, if open now. */
  get current(): Dotscience | undefined {
    return this.given ?? this.opened;
  }

  acquire(): Promise<Dotscience> {
    const current = this.current;
    if (current) return Promise.resolve(current);
    // A close still in progress holds our own writer lock: open again only after it.
    return (this.opening ??= this.closing.then(() => this.open()).finally(() => (this.opening = undefined)));
  }

  /** Close the stores if this lease opened them. */
  release(): Promise<void> {
    const opened = this.opened;
    if (!opened) return this.closing;
    this.opened = undefined;
    this.closing = opened.close();
    return this.closing;
  }

  /** Change the settings the next acquire() opens with (connect()); the stores must be released. */
  reconfigure(operation: string, change: (open: OpenOptions) => OpenOptions): void {
    if (!this.options) throw new StoreNotOwnedError(operation);
    this.options = { ...this.options, open: change(this.options.open) };
  }

  private async open(): Promise<Dotscience> {
    const options = this.options!;
    const deadline = Date.now() + options.lockTimeoutMs;
    let reported: number | undefined;
    for (;;) {
      try {
        // The first attempt does not wait, so that a held lock is reported before any waiting.
        this.opened = await openDotscience({ ...options.open, waitForLock: reported !== undefined });
        if (reported !== undefined) options.log(`dotscience: got the event store lock (process ${reported} released it)`);
        return this.opened;
      } catch (error) {
        const holder = lockHolder(error);
        if (!holder) throw error;
        if (Date.now() >= deadline) throw new StoreLockTimeoutError(holder.pid, holder.lockPath, options.lockTimeoutMs);
        if (holder.pid !== reported) {
          options.log(`dotscience: waiting for the event store lock held by process ${holder.pid} (${holder.lockPath})`);
          reported = holder.pid;
        }
      }
    }
  }
}

function isOpened(source: Dotscience | StoreLeaseOptions): source is Dotscience {
  return 'events' in source && 'close' in source;
}
