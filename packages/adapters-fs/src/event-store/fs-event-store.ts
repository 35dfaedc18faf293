import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Observable } from 'rxjs';
import {
  type AnchorEntry,
  type AnchoredLog,
  type AppendOptions,
  type AppendResult,
  type HeadKeepingLog,
  type LogHead,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
} from '@dotscience/core';
import { checkExpected, checkIdsUnrecorded, idempotentRetry, parseAppend, type RetryCandidate } from '@dotscience/core/store-kit';
import { AppendTurns, type AppendTurn } from './append-turn.js';
import { EventStoreClosedError, ReadOnlyEventStoreError } from './event-store-errors.js';
import { GroupCommitLog } from './group-commit.js';
import { loadIndexSnapshot, saveIndexSnapshot } from './index-snapshot.js';
import { LogAnchorWriter, readAnchors } from './log-anchors.js';
import { LogWatch } from './log-watch.js';
import { LogByPosition } from './log-by-position.js';
import { PrintConfirmations } from './print-confirmations.js';
import { RetryReads } from './retry-reads.js';
import { recoverLog, scanForward, type RecordPlaces } from './log-recovery.js';
import { eventsOf, readRecordBatches, readRecords, type ChunkVerifier } from './record-reader.js';
import type { EncodedRecords } from './record-batch.js';
import { RecordWorker } from './record-worker.js';
import { InThreadSealer, WorkerSealer, type Sealer } from './sealer.js';
import { listSegments } from './segment-files.js';
import { idPrints, type StreamEntry, type StreamIndex } from './stream-index.js';
import { subscribeToLog } from './log-subscription.js';
import { WriterLock, type WriterLockOptions } from './writer-lock.js';
import { STORE_DIRECTORY_MODE } from '../store-file-modes.js';

export interface FsEventStoreOptions {
  /** Read without taking the writer lock; sees other processes' appends as they become whole records. */
  readOnly?: boolean;
  /** What to do when another live process holds the writer lock. Default: fail at once. */
  lock?: WriterLockOptions;
  /** Start a new segment file once the current one reaches this size. Default 64 MiB. */
  segmentMaxBytes?: number;
  /**
   * Check the checksum of every record on open, also those the index snapshot covers. Default: true for
   * a writer (its recovery vouches for the log it appends to); false read-only, where the open checks
   * the snapshot's last record and each record is checked as it is read (`ds audit verify` reads them
   * all). docs/decisions.md D115. Without it, a read-only open reads the index snapshot by position
   * only (its header and the blocks of record places a read asks for) until a read asks for a stream:
   * D146.
   */
  verifyChecksumsOnOpen?: boolean;
  /** Persist the stream index after this many new events, or an eighth of the events it held before if more (and on close). Default 100 000. */
  snapshotEveryEvents?: number;
  /** Fallback poll for other processes' appends when fs.watch misses them. Default 1000 ms. */
  pollIntervalMs?: number;
  /** recordedAt source. Default: the system clock. */
  now?: () => string;
  /**
   * Appends of at least this many events are chained and framed on a worker thread while
   * this one writes the events' canonical texts (record-worker.ts). Default 256; 0 turns it off.
   */
  sealOnWorkerFromEvents?: number;
  /**
   * Chunks of at least this many records (a replay's chunks hold ~2,000) are read and their
   * checksums checked on the worker thread while this one decodes the chunk before
   * (record-worker.ts). Default 256; 0 turns it off.
   */
  verifyOnWorkerFromRecords?: number;
}

/** What `open` found. */
export interface FsEventStoreOpenReport {
  events: number;
  /** Undefined after a read-only open by position (D146), which does not read which stream each record is in. */
  streams: number | undefined;
  indexFromSnapshot: boolean;
  truncatedTornTailBytes: number;
}

export const LOCK_FILE = 'writer.lock';
export const INDEX_SNAPSHOT_FILE = 'stream-index.snapshot';
/** The index is snapshotted again once the log has grown by this fraction of what the last snapshot held (or `snapshotEveryEvents`, if more). */
const SNAPSHOT_GROWTH = 8;

/**
 * What an append's pass through the pipeline comes to: its answer (once enqueued, a promise
 * that resolves when it is durable; wrapped, as an async function cannot resolve to a promise
 * without waiting for it), or to go through again once `lookAgainAfter` settles.
 */
type Outcome = { answer: AppendResult | Promise<AppendResult> } | { lookAgainAfter: Promise<void> };
/** The log moved while the append held the turn over a wait (a failed write dropped what was queued, or the index was rebuilt): what it looked at is stale. */
const LOG_MOVED: Outcome = { lookAgainAfter: Promise.resolve() };

/** The embedded event log: append-only, checksummed segment files in one directory. */
export class FsEventStore implements EventStore, AnchoredLog, HeadKeepingLog {
  private closed = false;
  /** The stream index: a writer's, or a read-only open's once a read asked for a stream (or when it could not open by position). */
  private full: StreamIndex | undefined;
  /** A read-only open by position (D146), until a read asks for a stream. */
  private byPosition: LogByPosition | undefined;
  private openingInFull: Promise<StreamIndex> | undefined;
  private rebuilding: Promise<void> | undefined;
  private refreshing: Promise<void> | undefined;
  private snapshotCount: number;
  private snapshotting: Promise<void> = Promise.resolve();
  private readonly turns = new AppendTurns();
  /** Committed records read to confirm id print matches (see eventsMatchingPrints). */
  private readonly confirmations = new PrintConfirmations();
  private readonly worker = new RecordWorker();
  private readonly inThread: Sealer = new InThreadSealer();
  private readonly onWorker: WorkerSealer;
  /** The last recordedAt made from the system clock, and its millisecond. */
  private clockText = { ms: Number.NaN, text: '' };

  private constructor(
    readonly dir: string,
    index: StreamIndex | LogByPosition,
    private tailSize: number,
    private readonly options: FsEventStoreOptions,
    private readonly lock: WriterLock | undefined,
    private log: GroupCommitLog | undefined,
    private readonly watch: LogWatch,
    readonly openReport: FsEventStoreOpenReport,
  ) {
    if (index instanceof LogByPosition) this.byPosition = index;
    else this.full = index;
    this.snapshotCount = openReport.indexFromSnapshot ? openReport.events : -1;
    this.onWorker = new WorkerSealer(this.worker, options.sealOnWorkerFromEvents ?? 256);
  }

  static async open(dir: string, options: FsEventStoreOptions = {}): Promise<FsEventStore> {
    await mkdir(dir, { recursive: true, mode: STORE_DIRECTORY_MODE });
    const readOnly = options.readOnly ?? false;
    const lock = readOnly ? undefined : await WriterLock.acquire(join(dir, LOCK_FILE), options.lock);
    try {
      const verifyChecksums = options.verifyChecksumsOnOpen ?? !readOnly;
      const byPosition = readOnly && !verifyChecksums ? await LogByPosition.open(dir, join(dir, INDEX_SNAPSHOT_FILE)) : undefined;
      if (byPosition) {
        const report = { events: byPosition.log.committedCount, streams: undefined, indexFromSnapshot: true, truncatedTornTailBytes: 0 };
        const watch = new LogWatch(dir, readOnly, options.pollIntervalMs ?? 1000);
        return new FsEventStore(dir, byPosition.log, byPosition.tailSize, options, lock, undefined, watch, report);
      }
      const recovered = await recoverLog(dir, join(dir, INDEX_SNAPSHOT_FILE), {
        role: readOnly ? 'reader' : 'writer',
        verifyChecksums,
        useSnapshot: true,
      });
      const report: FsEventStoreOpenReport = {
        events: recovered.index.committedCount,
        streams: recovered.index.streams.size,
        indexFromSnapshot: recovered.fromSnapshot,
        truncatedTornTailBytes: recovered.truncatedBytes,
      };
      const watch = new LogWatch(dir, readOnly, options.pollIntervalMs ?? 1000);
      const store = new FsEventStore(dir, recovered.index, recovered.tailSize, options, lock, undefined, watch, report);
      if (recovered.snapshotOutdated) store.snapshotCount = -1; // written again at close, in the current format
      if (!readOnly) store.log = store.newLog(await LogAnchorWriter.resume(dir, recovered.index.table));
      return store;
    } catch (err) {
      await lock?.release();
      throw err;
    }
  }

  get readOnly(): boolean {
    return this.lock === undefined;
  }

  /** Number of events in the log (committed, i.e. durable). */
  get eventCount(): number {
    return this.places.committedCount;
  }

  /** The stream index (a writer's; a read-only store's once it has opened in full, see `streamIndex`). */
  private get index(): StreamIndex {
    if (!this.full) throw new Error('internal: the stream index is read before the log was opened in full');
    return this.full;
  }

  /** Where each record is: the stream index, or a read-only open's places by position. */
  private get places(): RecordPlaces {
    return this.byPosition ?? this.full!;
  }

  async append(stream: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    this.assertOpen();
    if (!this.log) throw new ReadOnlyEventStoreError(this.dir, stream);
    const { events: parsed, expected } = parseAppend(stream, events, options);
    const durable = options.durability !== 'deferred';
    if (this.rebuilding) await this.rebuilding;
    return this.appendParsed(stream, parsed, expected, durable);
  }

  /**
   * The append pipeline: wait for the turn, then pass through (`appendInTurn`) holding it.
   * Three rare outcomes send the append through again: a retry of an append still being
   * written (answered once it is durable, or looked at anew if its write failed), records
   * read to confirm an id print match, and the log moving under a wait (LOG_MOVED).
   */
  private async appendParsed(
    stream: string,
    parsed: NewEvent[],
    expected: ExpectedRevision,
    durable: boolean,
    retryReads = new RetryReads(),
  ): Promise<AppendResult> {
    while (this.turns.held) await this.turns.held; // wait for the turn
    const turn = this.turns.begin();
    let outcome: Outcome;
    try {
      outcome = await this.appendInTurn(turn, stream, parsed, expected, durable, retryReads);
    } finally {
      turn.end();
    }
    if ('answer' in outcome) return outcome.answer;
    await outcome.lookAgainAfter;
    return this.appendParsed(stream, parsed, expected, durable, retryReads);
  }

  /**
   * Answer a retry → check the expected revision → check the ids → seal → enqueue, each
   * step by core's rule. Sealing on the worker holds the turn over its wait, so nothing else
   * appends meanwhile; committed records read to answer a retry or to confirm an id print
   * match are read without it, and the append then looks again. In the common case nothing
   * waits, and the append is enqueued before this returns.
   */
  private async appendInTurn(
    turn: AppendTurn,
    stream: string,
    parsed: NewEvent[],
    expected: ExpectedRevision,
    durable: boolean,
    retryReads: RetryReads,
  ): Promise<Outcome> {
    const log = this.log!;
    const position = log.nextPosition;
    const moved = (): boolean => this.log !== log || log.nextPosition !== position;

    // Answer a retry. Committed records it needs are read without the turn; then this append looks again.
    const candidate = this.retryCandidate(stream, parsed, retryReads.under(this.index));
    if (candidate instanceof Promise) return { lookAgainAfter: candidate };
    const retry = idempotentRetry(stream, candidate, parsed, expected);
    if (retry) return retry.position < this.index.committedCount ? { answer: retry } : { lookAgainAfter: log.idle() };

    // Check the expected revision.
    const head = this.index.head(stream);
    checkExpected(stream, head.revision, expected);
    if (parsed.length === 0) return { answer: { nextExpectedRevision: head.revision, position: position - 1, events: [] } };

    // Check the ids. Records a print match needs are read without the turn, which the appends behind this one go on using; then this one looks again.
    const prints = idPrints(parsed);
    const matched = this.eventsMatchingPrints(prints);
    if (matched instanceof Promise) return { lookAgainAfter: matched };
    if (matched) checkIdsUnrecorded(stream, parsed, (id) => matched.get(id));

    // Seal.
    const sealer = this.onWorker.takes(parsed.length) ? this.onWorker : this.inThread;
    const sealing = sealer.seal(stream, head, parsed, position, this.recordedAt());
    const sealed = sealing instanceof Promise ? await turn.over(sealing) : sealing;
    if (moved()) return LOG_MOVED;

    // Enqueue: durable once the group commit it joins is.
    return { answer: this.enqueue(stream, sealed, prints, durable) };
  }

  /**
   * Core's RetryCandidate, when the stream holds the append's first id: queued events are
   * at hand; of the committed revisions whose id print matches, newest first, the first that
   * holds the id (a print may collide). Undefined when the stream does not hold it. The
   * promise of a read when records it needs are not in `reads` yet.
   */
  private retryCandidate(stream: string, parsed: readonly NewEvent[], reads: RetryReads): RetryCandidate | undefined | Promise<void> {
    const first = parsed[0];
    const s = this.index.stream(stream);
    if (!first || !s) return undefined;
    const headRevision = s.positions.length + s.pending.length - 1;
    // Ids are recorded once per store: an id queued is committed nowhere.
    const queuedAt = s.pending.findIndex((e) => e.id === first.id);
    if (queuedAt !== -1) return { headRevision, startRevision: s.positions.length + queuedAt, recorded: s.pending.slice(queuedAt, queuedAt + parsed.length) };
    const revisions = this.index.committedRevisionsWithId(stream, first.id);
    return revisions.length === 0 ? undefined : this.committedRetryCandidate(s, revisions, first.id, parsed.length, headRevision, reads);
  }

  /**
   * Of `revisions` (newest first, committed, their id print that of `firstId`), the newest whose
   * record holds `firstId`, and the append's `count` events from there: committed ones from
   * `reads`, then queued ones. The promise of a read of what `reads` lacks: each revision's first
   * record until one holds the id, then the rest of that one's events.
   */
  private committedRetryCandidate(
    s: StreamEntry,
    revisions: number[],
    firstId: string,
    count: number,
    headRevision: number,
    reads: RetryReads,
  ): RetryCandidate | undefined | Promise<void> {
    const unread: number[] = [];
    for (const r of revisions) {
      const at = reads.get(s.positions[r]!);
      if (at === undefined) unread.push(s.positions[r]!);
      if (unread.length > 0 || at!.id !== firstId) continue;
      const positions = s.positions.slice(r, Math.min(r + count, s.positions.length));
      const rest = positions.filter((p) => reads.get(p) === undefined);
      if (rest.length > 0) return this.readCommitted(rest, reads);
      const recorded = positions.map((p) => reads.get(p)!);
      for (const event of s.pending.slice(0, count - recorded.length)) recorded.push(event);
      return { headRevision, startRevision: r, recorded };
    }
    return unread.length > 0 ? this.readCommitted(unread, reads) : undefined;
  }

  /** Read the committed records at `positions` into `into`, without the append turn (the append looks again after). */
  private async readCommitted(positions: number[], into: { keep(event: RecordedEvent): void }): Promise<void> {
    for await (const event of readRecords(
      this.dir,
      this.index.table,
      positions.sort((a, b) => a - b),
    ))
      into.keep(event);
  }

  /**
   * The recorded events (committed or queued) whose ids have one of an append's id prints, by
   * id, for core's rule that an id is recorded once per store; undefined when no print matched
   * and none repeats within the append (then no id can be refused). The common case costs
   * one print lookup per event. A committed record a match needs that was not read yet is read
   * into `confirmations`: the promise of that read is answered instead, and the append looks again.
   */
  private eventsMatchingPrints(prints: Uint32Array): Map<string, RecordedEvent> | undefined | Promise<void> {
    const matches = this.index.printMatches(prints);
    if (matches.positions.length === 0 && !matches.withinAppend) return undefined;
    const held = new Map<string, RecordedEvent>();
    const unread: number[] = [];
    const committed = this.index.committedCount;
    for (const p of matches.positions) {
      const recorded = p < committed ? this.confirmations.get(p) : this.index.pendingAt(p);
      if (recorded) held.set(recorded.id, recorded);
      else if (p < committed) unread.push(p);
    }
    if (unread.length === 0) return held;
    return this.readCommitted(unread, this.confirmations);
  }

  readStream(stream: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    return this.readPositions(async () => {
      const positions = (await this.streamIndex()).stream(stream)?.positions ?? [];
      const from = Math.max(0, options.fromRevision ?? 0);
      const end = options.maxCount === undefined ? positions.length : Math.min(positions.length, from + options.maxCount);
      return positions.slice(from, end);
    });
  }

  readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    return this.readPositions(async () => {
      const from = Math.max(0, options.fromPosition ?? 0);
      const count = this.places.committedCount;
      const end = options.maxCount === undefined ? count : Math.min(count, from + options.maxCount);
      if (from < end) await this.placeFrom(from);
      return range(from, end);
    });
  }

  subscribe(options: SubscribeOptions = {}): Observable<RecordedEvent> {
    return subscribeToLog({
      fromPosition: Math.max(0, options.fromPosition ?? 0),
      watch: this.watch,
      isClosed: () => this.closed,
      catchUp: async () => {
        if (this.readOnly) await this.refresh();
        return this.places.committedCount;
      },
      read: (from, end) =>
        eventsOf(async () => {
          await this.placeFrom(from);
          return readRecordBatches(this.dir, this.places.table, range(from, end), this.chunkVerifier());
        }),
    });
  }

  /** Rebuild the stream index from the log alone and persist it (also done on open when the snapshot is missing or damaged). */
  async rebuildIndex(): Promise<FsEventStoreOpenReport> {
    this.assertOpen();
    const run = (async () => {
      while (this.turns.held) await this.turns.held;
      const turn = this.turns.begin();
      try {
        return await turn.over(this.rebuildFromLog());
      } finally {
        turn.end();
      }
    })();
    this.rebuilding = run.then(
      () => undefined,
      () => undefined,
    );
    try {
      return await run;
    } finally {
      this.rebuilding = undefined;
    }
  }

  private async rebuildFromLog(): Promise<FsEventStoreOpenReport> {
    await this.log?.idle();
    const recovered = await recoverLog(this.dir, join(this.dir, INDEX_SNAPSHOT_FILE), {
      role: this.readOnly ? 'reader' : 'writer',
      verifyChecksums: true,
      useSnapshot: false,
    });
    const byPosition = this.byPosition;
    this.confirmations.clear();
    this.full = recovered.index;
    this.byPosition = undefined;
    this.tailSize = recovered.tailSize;
    await byPosition?.close();
    if (this.log) {
      await this.log.close();
      this.log = this.newLog(await LogAnchorWriter.resume(this.dir, this.index.table));
      await this.persistIndex();
    }
    return { events: this.index.committedCount, streams: this.index.streams.size, indexFromSnapshot: false, truncatedTornTailBytes: recovered.truncatedBytes };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watch.notify();
    this.watch.stop();
    try {
      while (this.turns.held) await this.turns.held;
      await this.worker.close();
      await this.openingInFull?.catch(() => undefined);
      await this.byPosition?.close();
      if (this.log) {
        await this.log.close();
        await this.snapshotting;
        // The snapshot only speeds up the next open (which rebuilds it from the log when it is stale or
        // missing): failing to write it, e.g. on a full disk, must not fail the close or keep the lock.
        if (this.snapshotCount !== this.index.committedCount) await this.persistIndex().catch(() => undefined);
      }
    } finally {
      await this.lock?.release();
    }
  }

  /** The log's head (records, last position, log hash) after the last commit; undefined when opened read-only. */
  logHead(): LogHead | undefined {
    return this.log?.anchors.head();
  }

  /** Every anchor line of the log (anchors.log), in order: this writer's lines given so far included. */
  async readAnchors(): Promise<AnchorEntry[]> {
    await this.log?.anchors.written();
    return readAnchors(this.dir);
  }

  /** How many records the persisted stream-index snapshot says the log held (undefined: no usable snapshot). */
  async indexSnapshotCount(): Promise<number | undefined> {
    return (await loadIndexSnapshot(join(this.dir, INDEX_SNAPSHOT_FILE)))?.index.table.count;
  }

  private newLog(anchors: LogAnchorWriter): GroupCommitLog {
    return new GroupCommitLog(
      this.dir,
      this.index,
      this.tailSize,
      this.options.segmentMaxBytes ?? 64 * 1024 * 1024,
      () => {
        this.watch.notify();
        // A snapshot holds a row per event (16 bytes): taken every fixed number of events, the snapshots of a
        // store's life would add up to O(n²) bytes (8 GB by 10M events, more than the log). So the interval
        // grows with the store, to an eighth of it: ≤ 128 snapshot bytes per event appended, and a crash
        // leaves at most an eighth of the log for the next open to index from the records.
        const taken = Math.max(0, this.snapshotCount);
        const every = Math.max(this.options.snapshotEveryEvents ?? 100_000, Math.floor(taken / SNAPSHOT_GROWTH));
        // Not while deferred records wait for their sync: a snapshot must count only durable ones.
        if (this.index.committedCount - taken >= every && !this.log?.holdsUnsyncedRecords) {
          this.snapshotCount = this.index.committedCount;
          this.snapshotting = this.snapshotting.then(() => this.persistIndex()).catch(() => undefined);
        }
      },
      anchors,
    );
  }

  private async persistIndex(): Promise<void> {
    const count = this.index.committedCount;
    await saveIndexSnapshot(join(this.dir, INDEX_SNAPSHOT_FILE), this.index);
    this.snapshotCount = count;
  }

  private enqueue(stream: string, { events, chunks, lengths }: EncodedRecords, prints: Uint32Array, durable: boolean): Promise<AppendResult> {
    const log = this.log!;
    log.nextPosition += events.length;
    this.index.queue(stream, events, prints);
    return new Promise((resolve, reject) => log.enqueue({ stream, events, chunks, lengths, prints, durable, resolve, reject }));
  }

  /** The system clock's time as an ISO text, made once per millisecond: `toISOString` costs ~0.5-1 µs, and a busy writer appends many times a millisecond. */
  private recordedAt(): string {
    if (this.options.now) return this.options.now();
    const ms = Date.now();
    if (ms !== this.clockText.ms) this.clockText = { ms, text: new Date(ms).toISOString() };
    return this.clockText.text;
  }

  private readPositions(positions: () => Promise<Iterable<number>>): AsyncIterable<RecordedEvent> {
    return {
      [Symbol.asyncIterator]: () =>
        eventsOf(async () => {
          if (this.readOnly) await this.refresh();
          const at = await positions();
          return readRecordBatches(this.dir, this.places.table, at, this.chunkVerifier());
        }),
    };
  }

  /** Have the places of every position from `from` on at hand: a read-only open by position reads them from the snapshot, or opens in full when it cannot. */
  private async placeFrom(from: number): Promise<void> {
    const byPosition = this.byPosition;
    if (byPosition && !(await byPosition.placeFrom(from)) && this.byPosition === byPosition) await this.streamIndex();
  }

  /**
   * The stream index. A read-only store opened by position opens in full on the first read that
   * asks for it (a stream's records), as an open without the snapshot's header would: the snapshot
   * whole, checked by its crc, or the index rebuilt from the records (D146).
   */
  private streamIndex(): Promise<StreamIndex> {
    if (this.full) return Promise.resolve(this.full);
    this.openingInFull ??= (async () => {
      const recovered = await recoverLog(this.dir, join(this.dir, INDEX_SNAPSHOT_FILE), { role: 'reader', verifyChecksums: false, useSnapshot: true });
      const byPosition = this.byPosition;
      this.full = recovered.index;
      this.byPosition = undefined;
      this.tailSize = recovered.tailSize;
      await byPosition?.close();
      return recovered.index;
    })();
    return this.openingInFull;
  }

  /**
   * Start the record worker thread now rather than on first need (large appends and replays
   * use it once it runs, and work on this thread until then): a server about to take large
   * appends, or a test of the worker path. Resolves true once it runs.
   */
  startWorker(): Promise<boolean> {
    this.assertOpen();
    return this.worker.whenOnline();
  }

  private chunkVerifier(): ChunkVerifier | undefined {
    const fromRecords = this.options.verifyOnWorkerFromRecords ?? 256;
    return fromRecords > 0 ? { worker: this.worker, fromRecords } : undefined;
  }

  /** A read-only store: take in whatever whole records other processes have written since. */
  private refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const onDisk = await listSegments(this.dir);
        const places = this.places;
        const { tailSize } = await scanForward(this.dir, places, onDisk, this.tailSize, 'reader');
        // Opened in full meanwhile: that index and its tail size are the store's now.
        if (places === this.places) this.tailSize = tailSize;
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreClosedError(this.dir);
  }
}

function* range(from: number, end: number): Iterable<number> {
  for (let p = from; p < end; p++) yield p;
}
