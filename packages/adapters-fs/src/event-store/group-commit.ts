import { writevSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppendResult, RecordedEvent } from '@dotscience/core';
import { appendResult } from '@dotscience/core/store-kit';
import { syncDirectory } from './atomic-file.js';
import { DiskFullError, EventLogWriteError, isDiskFull } from './event-store-errors.js';
import type { ChainExtension, LogAnchorWriter } from './log-anchors.js';
import { segmentName } from './segment-files.js';
import type { StreamIndex } from './stream-index.js';
import { STORE_FILE_MODE } from '../store-file-modes.js';

export interface QueuedAppend {
  stream: string;
  events: RecordedEvent[];
  /** The events' frames back to back (in one buffer or several, in order), and each frame's length. */
  chunks: readonly Buffer[];
  lengths: number[];
  /** The events' id prints (see stream-index.ts), computed when they were appended. */
  prints: Uint32Array;
  /** False for a deferred append (AppendOptions.durability): written now, made durable by the next durable commit or close. */
  durable: boolean;
  resolve: (result: AppendResult) => void;
  reject: (error: Error) => void;
}

/**
 * The single writer's durable tail. Appends queue here; whenever no write is in
 * flight, everything queued goes to disk in one write and one fdatasync (group
 * commit). A lone append starts its write at once — nothing waits for a timer —
 * and appends arriving while a sync runs share the next one. A batch of deferred
 * appends only is written without a sync: the next durable commit's fdatasync (or
 * close's) covers it, the segment left behind when the log moves to a new one included.
 */
export class GroupCommitLog {
  private queue: QueuedAppend[] = [];
  private writing = false;
  private idleWaiters: Array<() => void> = [];
  private fh: FileHandle | undefined;
  /** Set after a failure that leaves the file state unknown; every later append fails with it. */
  private broken: Error | undefined;
  /** Global position the next queued event takes. */
  nextPosition: number;
  /** Records written by deferred commits and not synced yet (in the open segment). */
  private unsynced = false;

  constructor(
    private readonly dir: string,
    private readonly index: StreamIndex,
    /** Byte length of the last segment (where the next record goes). */
    private size: number,
    private readonly segmentMaxBytes: number,
    private readonly onCommitted: (events: RecordedEvent[]) => void,
    /** Keeps the log chain and writes the anchor lines of each commit. */
    readonly anchors: LogAnchorWriter,
  ) {
    this.nextPosition = index.committedCount;
  }

  enqueue(append: QueuedAppend): void {
    if (this.broken) {
      this.index.dropPending();
      this.nextPosition = this.index.committedCount;
      append.reject(this.broken);
      return;
    }
    this.queue.push(append);
    if (!this.writing) {
      this.writing = true;
      // A microtask, not a timer: appends issued in the same tick join this write.
      queueMicrotask(() => void this.drain());
    }
  }

  /** Resolves when nothing is queued or in flight. */
  idle(): Promise<void> {
    if (!this.writing) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** True while deferred commits wait for a sync (the index snapshot must not count them yet). */
  get holdsUnsyncedRecords(): boolean {
    return this.unsynced;
  }

  async close(): Promise<void> {
    await this.idle();
    if (this.unsynced && this.fh && !this.broken) {
      await this.fh.datasync();
      this.unsynced = false;
      this.anchors.synced();
    }
    await this.fh?.close();
    this.fh = undefined;
    await this.anchors.close();
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      await this.writeBatch(batch);
    }
    this.writing = false;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private async writeBatch(batch: QueuedAppend[]): Promise<void> {
    const durable = batch.some((append) => append.durable);
    const chunks = batch.length === 1 ? batch[0]!.chunks : batch.flatMap((a) => a.chunks);
    let segment = this.index.table.lastSegment?.name ?? segmentName(0);
    const committed = batch.length === 1 ? batch[0]!.events : batch.flatMap((a) => a.events);
    let anchoring: ChainExtension;
    try {
      if (!this.fh || this.size >= this.segmentMaxBytes) segment = await this.openTail();
      writeAll(this.fh!.fd, chunks, this.size);
      const syncing = durable ? this.fh!.datasync() : undefined;
      // The log chain over these records is hashed while the disk syncs them, not after (D158).
      anchoring = this.anchors.extend(committed);
      await syncing;
    } catch (err) {
      await this.fail(batch, segment, err);
      return;
    }
    let offset = this.size;
    for (const append of batch) {
      this.index.commitAppend(append.events, offset, append.lengths, append.prints);
      for (const length of append.lengths) offset += length;
    }
    this.size = offset;
    this.unsynced = !durable;
    // Anchored before any append is answered, so the head a caller asks for next covers its events.
    this.anchors.commit(anchoring, durable);
    for (const append of batch) append.resolve(appendResult(append.events));
    this.onCommitted(committed);
  }

  /** Open the last segment for writing, or start a new one when there is none or it is full. */
  private async openTail(): Promise<string> {
    const last = this.index.table.lastSegment;
    if (last && this.size < this.segmentMaxBytes) {
      this.fh = await open(join(this.dir, last.name), 'r+');
      return last.name;
    }
    const segment = { name: segmentName(this.index.committedCount), firstPosition: this.index.committedCount };
    const fh = await open(join(this.dir, segment.name), 'wx', STORE_FILE_MODE);
    await syncDirectory(this.dir);
    // Deferred records of the segment left behind are made durable before its handle goes.
    if (this.unsynced) await this.fh?.datasync();
    await this.fh?.close();
    this.fh = fh;
    this.size = 0;
    this.index.table.segments.push(segment);
    return segment.name;
  }

  /**
   * Nothing of the failed batch — nor of the appends queued behind it, which chain
   * onto it — is acknowledged. The partial write is cut off so the log stays whole.
   */
  private async fail(batch: QueuedAppend[], segment: string, err: unknown): Promise<void> {
    const rejected = [...batch, ...this.queue];
    this.queue = [];
    this.index.dropPending();
    this.nextPosition = this.index.committedCount;
    const diskFull = isDiskFull(err);
    try {
      await this.fh?.truncate(this.size);
      await this.fh?.datasync();
    } catch (truncateErr) {
      this.broken = new EventLogWriteError(segment, '(any)', truncateErr);
    }
    if (!diskFull && !this.broken) this.broken = new EventLogWriteError(segment, '(any)', err);
    for (const a of rejected)
      a.reject(diskFull ? new DiskFullError(segment, `the append to stream ${a.stream} was not written`) : new EventLogWriteError(segment, a.stream, err));
  }
}

/**
 * Write synchronously: the bytes only reach the page cache here (microseconds), and
 * doing it on the main thread saves a thread-pool round trip per commit. The wait
 * that matters, fdatasync, stays asynchronous so appends keep queuing behind it.
 */
function writeAll(fd: number, chunks: readonly Buffer[], position: number): void {
  let i = 0;
  let offset = 0; // into chunks[i]
  while (i < chunks.length) {
    // A writev may write less (libuv passes at most IOV_MAX buffers per call): resume where it stopped.
    const pending = chunks.slice(i);
    if (offset > 0) pending[0] = pending[0]!.subarray(offset);
    let written = writevSync(fd, pending, position);
    position += written;
    while (written > 0) {
      const left = chunks[i]!.length - offset;
      if (written < left) {
        offset += written;
        written = 0;
      } else {
        written -= left;
        offset = 0;
        i++;
      }
    }
    while (i < chunks.length && chunks[i]!.length === 0) i++;
  }
}
