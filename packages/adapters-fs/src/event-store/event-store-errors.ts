import { DotscienceError } from '@dotscience/core';

/** A record before the end of the log is damaged: the store refuses to open rather than skip it. */
export class CorruptLogError extends DotscienceError {
  readonly code = 'CORRUPT_LOG';
  constructor(
    readonly segment: string,
    readonly offset: number,
    readonly reason: string,
  ) {
    super(
      `event log segment ${segment} is damaged at byte offset ${offset} (${reason}) and valid records follow it — ` +
        'the store will not skip it; restore the segment from a backup or copy, and do not append until it is repaired',
    );
  }
}

/** Another live process holds the writer lock. */
export class WriterLockedError extends DotscienceError {
  readonly code = 'WRITER_LOCKED';
  constructor(
    readonly lockPath: string,
    readonly pid: number,
  ) {
    super(
      `the event store is locked by process ${pid} (lock file ${lockPath}) — wait for it to finish, ` +
        'open with { lock: { wait: true } } to wait, or open with { readOnly: true } to read',
    );
  }
}

/** The disk filled up while writing a file of the event store (an append, the writer lock, a snapshot): nothing of that write was kept. */
export class DiskFullError extends DotscienceError {
  readonly code = 'DISK_FULL';
  constructor(
    /** The file that could not be written. */
    readonly file: string,
    /** What was not done, e.g. "the append to stream run-1 was not written". */
    readonly what: string,
  ) {
    super(`no space left on the device holding ${file}: ${what} (earlier acknowledged events are intact) — free some space and retry`);
  }
}

/** Did this write fail because the device (or the user's quota) is full? */
export const isDiskFull = (error: unknown): boolean => {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
};

/** Writing or syncing the log failed for another reason. */
export class EventLogWriteError extends DotscienceError {
  readonly code = 'EVENT_LOG_WRITE_FAILED';
  constructor(
    readonly segment: string,
    readonly stream: string,
    readonly failure: unknown,
  ) {
    super(
      `could not write the append to stream ${stream} into ${segment}: ${String((failure as Error)?.message ?? failure)} — ` +
        'nothing of this append was acknowledged; check the disk and retry',
    );
  }
}

export class EventStoreClosedError extends DotscienceError {
  readonly code = 'EVENT_STORE_CLOSED';
  constructor(readonly dir: string) {
    super(`the event store at ${dir} is closed — open it again with FsEventStore.open`);
  }
}

export class ReadOnlyEventStoreError extends DotscienceError {
  readonly code = 'EVENT_STORE_READ_ONLY';
  constructor(
    readonly dir: string,
    readonly stream: string,
  ) {
    super(`cannot append to stream ${stream}: the event store at ${dir} was opened read-only — open it without { readOnly: true } to write`);
  }
}
