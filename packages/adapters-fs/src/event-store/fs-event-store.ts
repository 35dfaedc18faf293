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
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
} from '@dotscience/core';
import {
  checkExpected,
  checkIdsUnrecorded,
  idempotentRetry,
  meetsExpected,
  parseAppend,
  parseAppendTarget,
} from '@dotscience/core/store-kit';
import { EventStoreClosedError, ReadOnlyEventStoreError } from './event-store-errors.js';
import { GroupCommitLog } from './group-commit.js';
import { loadIndexSnapshot, saveIndexSnapshot } from './index-snapshot.js';
import { LogAnchorWriter, readAnchors } from './log-anchors.js';
import { LogWatch } from './log-watch.js';
import { recoverLog, scanForward } from './log-recovery.js';
import { eventsOf, readRecordBatches, readRecords, type ChunkVerifier } from './record-reader.js';
import { EventsParsedByJob, sealAndEncode, sealAndEncodeInParallel, type EncodedRecords, type StreamHead } from './record-batch.js';
import { RecordWorker } from './record-worker.js';
import { listSegments } from './segment-files.js';
import { idPrints, type PrintMatches, type StreamIndex } from './stream-index.js';
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
  /** Check the checksum of every record on open, also those the index snapshot covers. Default true. */
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
  streams: number;
  indexFromSnapshot: boolean;
  truncatedTornTailBytes: number;
}

export const LOCK_FILE = 'writer.lock';
export const INDEX_SNAPSHOT_FILE = 'stream-index.snapshot';
/** The index is snapshotted again once the log has grown by this fraction of what the last snapshot held (or `snapshotEveryEvents`, if more). */
const SNAPSHOT_GROWTH = 8;
const PLACEHOLDER = { id: '' } as RecordedEvent;

/** An append handed to the log (wrapped: an async function cannot resolve to a promise without waiting for it). */
interface Enqueued {
  durable: Promise<AppendResult>;
}

/** The embedded event log: append-only, checksummed segment files in one directory. */
export class FsEventStore implements EventStore, AnchoredLog, HeadKeepingLog {
  private closed = false;
  private rebuilding: Promise<void> | undefined;
  private refreshing: Promise<void> | undefined;
  private snapshotCount: number;
  private snapshotting: Promise<void> = Promise.resolve();
  /** Set while an append is sealed on the worker: every other append waits for it before it looks at a stream head. */
  private sealingTurn: Promise<void> | undefined;
  private readonly worker = new RecordWorker();

  private constructor(
    readonly dir: string,
    private index: StreamIndex,
    private tailSize: number,
    private readonly options: FsEventStoreOptions,
    private readonly lock: WriterLock | undefined,
    private log: GroupCommitLog | undefined,
    private readonly watch: LogWatch,
    readonly openReport: FsEventStoreOpenReport,
  ) {
    this.snapshotCount = openReport.indexFromSnapshot ? openReport.events : -1;
  }

  static async open(dir: string, options: FsEventStoreOptions = {}): Promise<FsEventStore> {
    await mkdir(dir, { recursive: true, mode: STORE_DIRECTORY_MODE });
    const readOnly = options.readOnly ?? false;
    const lock = readOnly ? undefined : await WriterLock.acquire(join(dir, LOCK_FILE), options.lock);
    try {
      const recovered = await recoverLog(dir, join(dir, INDEX_SNAPSHOT_FILE), {
        role: readOnly ? 'reader' : 'writer',
        verifyChecksums: options.verifyChecksumsOnOpen ?? true,
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
    return this.index.committedCount;
  }

  async append(stream: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    this.assertOpen();
    if (!this.log) throw new ReadOnlyEventStoreError(this.dir, stream);
    const whileSealing = this.appendParsedWhileSealing(stream, events, options);
    if (whileSealing) {
      const result = await whileSealing;
      if (result) return result;
    }
    const { events: parsed, expected } = parseAppend(stream, events, options);
    if (this.rebuilding) await this.rebuilding;
    const prints = idPrints(parsed);
    const loaded = new Map<number, RecordedEvent>();
    /** Committed events read to confirm an id print match, by position. */
    const confirmed = new Map<number, RecordedEvent>();
    for (;;) {
      if (this.sealingTurn) {
        await this.sealingTurn;
        continue;
      }
      const missing = this.retryCandidatesNotLoaded(stream, parsed, loaded);
      if (missing.length > 0) {
        await this.loadRevisions(stream, missing, parsed.length, loaded);
        continue;
      }
      // From here to enqueue nothing awaits (reading the records an id print matched is followed
      // by a fresh look), so neither the stream head nor the recorded ids can change under us
      // (an append sealed on the worker holds the turn until it is enqueued).
      const existing = this.existingForRetry(stream, parsed[0]?.id, loaded);
      const retry = existing && idempotentRetry(stream, existing, parsed, expected);
      if (retry) {
        if (retry.position < this.index.committedCount) return retry;
        await this.log.idle(); // the original append is still being written: answer once it is durable
        continue;
      }
      const head = this.index.head(stream);
      checkExpected(stream, head.revision, expected);
      if (parsed.length === 0) return { nextExpectedRevision: head.revision, position: this.log.nextPosition - 1, events: [] };
      // An id recorded anywhere in the store (committed or queued) or twice in this append is refused.
      // The common case costs one print lookup per event; records are read only on a print match.
      const matches = this.index.printMatches(prints);
      if (matches.positions.length > 0 || matches.withinAppend) {
        const unread = matches.positions.filter((p) => p < this.index.committedCount && !confirmed.has(p));
        if (unread.length > 0) {
          for await (const event of readRecords(this.dir, this.index.table, unread.sort((a, b) => a - b))) confirmed.set(event.position, event);
          continue;
        }
        this.checkIdsUnrecorded(stream, parsed, matches, confirmed);
      }
      if (this.sealOnWorker(parsed.length)) {
        const sealed = await this.takeTurn(() => this.sealOnWorkerAndEnqueue(stream, head, parsed, () => prints));
        if (sealed) return sealed;
        continue; // the head moved while sealing (a failed write dropped what it chained onto): look again
      }
      return this.enqueue(stream, head, parsed, prints);
    }
  }

  /**
   * The common large append, its events parsed one seal job at a time while the worker seals
   * the jobs before (parsing a 1,000-event append takes ~0.6 ms that the worker would otherwise
   * wait through). Taken only when nothing but parsing can refuse the append: no turn held, no
   * rebuild running, the expected revision met (looked at first), and no id of it recorded,
   * queued or repeated (so it cannot be a retry either). The ids' prints are looked up once
   * every job is on its way, while this thread would otherwise wait for the worker's last ones;
   * a match sends the append the usual way. Anything else is undefined, and
   * `append` goes the usual way, which parses everything first: errors come in the same order
   * either way. Undefined too when the head moved while sealing.
   */
  private appendParsedWhileSealing(stream: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult | undefined> | undefined {
    if (!Array.isArray(events) || this.sealingTurn || this.rebuilding || !this.sealOnWorker(events.length)) return undefined;
    const expected = parseAppendTarget(stream, options);
    const head = this.index.head(stream);
    if (!meetsExpected(head.revision, expected)) return undefined;
    const byJob = new EventsParsedByJob(stream, events);
    // Asked once every event is parsed: the prints are of the ids parsed (and recorded), not read again from the caller's objects.
    const unmatchedPrints = (): Uint32Array | undefined => {
      const prints = idPrints(byJob.parsed);
      const matches = this.index.printMatches(prints);
      return matches.positions.length > 0 || matches.withinAppend ? undefined : prints;
    };
    // Nothing awaits from here until the turn is held (takeTurn runs the work's first part at once).
    return this.takeTurn(() => this.sealOnWorkerAndEnqueue(stream, head, byJob, unmatchedPrints));
  }

  /**
   * Core's rule (an id is recorded at most once per store) over the events an append's
   * id prints matched: committed ones read into `confirmed`, queued ones still pending.
   * No await: the caller enqueues right after, so nothing can be recorded in between.
   */
  private checkIdsUnrecorded(stream: string, parsed: NewEvent[], matches: PrintMatches, confirmed: Map<number, RecordedEvent>): void {
    const held = new Map<string, RecordedEvent>();
    for (const p of matches.positions) {
      const event = confirmed.get(p) ?? this.index.pendingAt(p);
      if (event) held.set(event.id, event);
    }
    checkIdsUnrecorded(stream, parsed, (id) => held.get(id));
  }

  readStream(stream: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    return this.readPositions(() => {
      const positions = this.index.stream(stream)?.positions ?? [];
      const from = Math.max(0, options.fromRevision ?? 0);
      const end = options.maxCount === undefined ? positions.length : Math.min(positions.length, from + options.maxCount);
      return positions.slice(from, end);
    });
  }

  readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    return this.readPositions(() => {
      const from = Math.max(0, options.fromPosition ?? 0);
      const count = this.index.committedCount;
      const end = options.maxCount === undefined ? count : Math.min(count, from + options.maxCount);
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
        return this.index.committedCount;
      },
      read: (from, end) => readRecords(this.dir, this.index.table, range(from, end), this.chunkVerifier()),
    });
  }

  /** Rebuild the stream index from the log alone and persist it (also done on open when the snapshot is missing or damaged). */
  async rebuildIndex(): Promise<FsEventStoreOpenReport> {
    this.assertOpen();
    const run = (async () => {
      while (this.sealingTurn) await this.sealingTurn;
      await this.log?.idle();
      const recovered = await recoverLog(this.dir, join(this.dir, INDEX_SNAPSHOT_FILE), {
        role: this.readOnly ? 'reader' : 'writer',
        verifyChecksums: true,
        useSnapshot: false,
      });
      this.index = recovered.index;
      this.tailSize = recovered.tailSize;
      if (this.log) {
        await this.log.close();
        this.log = this.newLog(await LogAnchorWriter.resume(this.dir, this.index.table));
        await this.persistIndex();
      }
      return { events: this.index.committedCount, streams: this.index.streams.size, indexFromSnapshot: false, truncatedTornTailBytes: recovered.truncatedBytes };
    })();
    this.rebuilding = run.then(() => undefined, () => undefined);
    try {
      return await run;
    } finally {
      this.rebuilding = undefined;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watch.notify();
    this.watch.stop();
    try {
      while (this.sealingTurn) await this.sealingTurn;
      await this.worker.close();
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

  /** Every anchor line of the log (anchors.log), in order. */
  readAnchors(): Promise<AnchorEntry[]> {
    return readAnchors(this.dir);
  }

  /** How many records the persisted stream-index snapshot says the log held (undefined: no usable snapshot). */
  async indexSnapshotCount(): Promise<number | undefined> {
    return (await loadIndexSnapshot(join(this.dir, INDEX_SNAPSHOT_FILE)))?.index.table.count;
  }

  private newLog(anchors: LogAnchorWriter): GroupCommitLog {
    return new GroupCommitLog(this.dir, this.index, this.tailSize, this.options.segmentMaxBytes ?? 64 * 1024 * 1024, () => {
      this.watch.notify();
      // A snapshot holds a row per event (16 bytes): taken every fixed number of events, the snapshots of a
      // store's life would add up to O(n²) bytes (8 GB by 10M events, more than the log). So the interval
      // grows with the store, to an eighth of it: ≤ 128 snapshot bytes per event appended, and a crash
      // leaves at most an eighth of the log for the next open to index from the records.
      const taken = Math.max(0, this.snapshotCount);
      const every = Math.max(this.options.snapshotEveryEvents ?? 100_000, Math.floor(taken / SNAPSHOT_GROWTH));
      if (this.index.committedCount - taken >= every) {
        this.snapshotCount = this.index.committedCount;
        this.snapshotting = this.snapshotting.then(() => this.persistIndex()).catch(() => undefined);
      }
    }, anchors);
  }

  private async persistIndex(): Promise<void> {
    const count = this.index.committedCount;
    await saveIndexSnapshot(join(this.dir, INDEX_SNAPSHOT_FILE), this.index);
    this.snapshotCount = count;
  }

  private enqueue(stream: string, head: StreamHead, parsed: NewEvent[], prints: Uint32Array): Promise<AppendResult> {
    return this.enqueueSealed(stream, sealAndEncode(stream, head, parsed, this.log!.nextPosition, this.recordedAt()), prints);
  }

  private enqueueSealed(stream: string, { events, chunks, lengths }: EncodedRecords, prints: Uint32Array): Promise<AppendResult> {
    const log = this.log!;
    log.nextPosition += events.length;
    this.index.queue(stream, events, prints);
    return new Promise((resolve, reject) => log.enqueue({ stream, events, chunks, lengths, prints, resolve, reject }));
  }

  private sealOnWorker(events: number): boolean {
    const from = this.options.sealOnWorkerFromEvents ?? 256;
    return from > 0 && events >= from && this.worker.ready();
  }

  /**
   * Seal on the worker, then enqueue, unless the head or the log's next position moved
   * meanwhile (only a failed write, which drops what was pending, moves them: other appends
   * wait for the turn). Then nothing is enqueued and the result is undefined.
   */
  private async sealOnWorkerAndEnqueue(
    stream: string,
    head: StreamHead,
    parsed: NewEvent[] | EventsParsedByJob,
    /** The events' id prints, or undefined when one matched (then nothing is enqueued); asked once, while the worker seals. */
    printsOf: () => Uint32Array | undefined,
  ): Promise<Enqueued | undefined> {
    const log = this.log!;
    const position = log.nextPosition;
    const ids: { asked: boolean; prints?: Uint32Array | undefined } = { asked: false };
    const ask = (): void => {
      ids.asked = true;
      ids.prints = printsOf();
    };
    const encoded = await sealAndEncodeInParallel(this.worker, stream, head, parsed, position, this.recordedAt(), ask);
    if (!ids.asked) ask(); // sealed on this thread after a worker failure
    const prints = ids.prints;
    if (!prints) return undefined;
    const now = this.index.head(stream);
    if (this.log !== log || log.nextPosition !== position || now.revision !== head.revision || now.hash !== head.hash) return undefined;
    return { durable: this.enqueueSealed(stream, encoded, prints) };
  }

  /** Run `work` holding the sealing turn; the turn ends once it has enqueued (not when the append is durable). */
  private async takeTurn(work: () => Promise<Enqueued | undefined>): Promise<AppendResult | undefined> {
    let enqueued: Enqueued | undefined;
    const turn = (async () => {
      enqueued = await work();
    })();
    this.sealingTurn = turn.then(
      () => undefined,
      () => undefined,
    );
    try {
      await turn;
    } finally {
      this.sealingTurn = undefined;
    }
    return enqueued?.durable;
  }

  private recordedAt(): string {
    return (this.options.now ?? (() => new Date().toISOString()))();
  }

  /** Committed revisions whose id fingerprint matches the first new event's id and that are not loaded yet. */
  private retryCandidatesNotLoaded(stream: string, parsed: NewEvent[], loaded: Map<number, RecordedEvent>): number[] {
    const first = parsed[0];
    if (!first) return [];
    return [...this.index.committedRevisionsWithId(stream, first.id)].filter((r) => !loaded.has(r));
  }

  private async loadRevisions(stream: string, revisions: number[], count: number, loaded: Map<number, RecordedEvent>): Promise<void> {
    const positions = this.index.stream(stream)!.positions;
    for (const r of revisions) {
      const wanted = positions.slice(r, r + count);
      let k = r;
      for await (const event of readRecords(this.dir, this.index.table, wanted)) loaded.set(k++, event);
    }
  }

  /**
   * The stream as `idempotentRetry` wants it (index = revision) when a retry is
   * possible; only the revisions that could match are real events, the rest are
   * placeholders that match no id. Undefined when the first id is nowhere in the stream.
   */
  private existingForRetry(stream: string, firstId: string | undefined, loaded: Map<number, RecordedEvent>): RecordedEvent[] | undefined {
    const s = this.index.stream(stream);
    if (!s || firstId === undefined) return undefined;
    if (loaded.size === 0 && !s.pending.some((e) => e.id === firstId)) return undefined;
    const existing = new Array<RecordedEvent>(s.positions.length + s.pending.length).fill(PLACEHOLDER);
    for (const [r, e] of loaded) if (r < s.positions.length) existing[r] = e;
    s.pending.forEach((e, i) => (existing[s.positions.length + i] = e));
    return existing;
  }

  private readPositions(positions: () => Iterable<number>): AsyncIterable<RecordedEvent> {
    return {
      [Symbol.asyncIterator]: () =>
        eventsOf(async () => {
          if (this.readOnly) await this.refresh();
          return readRecordBatches(this.dir, this.index.table, positions(), this.chunkVerifier());
        }),
    };
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
        this.tailSize = (await scanForward(this.dir, this.index, onDisk, this.tailSize, 'reader')).tailSize;
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
