import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordedEvent } from '@dotscience/core';
import { CorruptLogError } from './event-store-errors.js';
import type { EventTable } from './event-table.js';
import { decodeRecord, MalformedRecord } from './record-codec.js';
import { FRAME_HEADER_BYTES, readFrame } from './record-frame.js';
import type { RecordWorker } from './record-worker.js';
import type { SegmentFile } from './segment-files.js';

/** Read at most this many bytes per system call; neighbouring records are read together up to it. */
const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * A run of records shorter than this is read into a buffer of its own size, not a whole chunk: a read of one
 * stream's few events (the append gate's first look at a stream, a run's page) allocated two 1 MiB chunks
 * (2 MiB of external memory, which V8 counts towards its next collection) for a few hundred bytes, and a
 * read of an empty stream allocated them too.
 */
const SMALL_RUN_BYTES = 64 * 1024;

/**
 * Yield the committed events at `positions` (ascending) from disk, reading
 * neighbouring records in chunks of up to 1 MiB, checking each checksum.
 * Memory stays bounded by one chunk however large the segments are.
 */
export function readRecords(dir: string, table: EventTable, positions: Iterable<number>, verifier?: ChunkVerifier): AsyncIterableIterator<RecordedEvent> {
  return eventsOf(() => readRecordBatches(dir, table, positions, verifier));
}

/**
 * One event at a time out of chunks, without an async generator's per-item
 * machinery: a replay of a million events costs one await per event here and one
 * real read per 1 MiB chunk. `start` runs on the first `next()`.
 */
export function eventsOf(start: () => AsyncIterator<RecordChunk> | Promise<AsyncIterator<RecordChunk>>): AsyncIterableIterator<RecordedEvent> {
  let chunks: AsyncIterator<RecordChunk> | undefined;
  let chunk: RecordChunk | undefined;
  let done = false;
  const close = async (err: unknown): Promise<never> => {
    done = true;
    chunk = undefined;
    await chunks?.return?.(); // closes the segment files
    throw err;
  };
  const nextChunk = async (): Promise<IteratorResult<RecordedEvent>> => {
    for (;;) {
      if (done) return { done: true, value: undefined };
      chunks ??= await start();
      const step = await chunks.next();
      if (step.done) {
        done = true;
        chunk = undefined;
        return { done: true, value: undefined };
      }
      chunk = step.value;
      let event: RecordedEvent | undefined;
      try {
        event = chunk.take();
      } catch (err) {
        return close(err);
      }
      if (event) return { done: false, value: event };
    }
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    // Not an async function: an event already in the chunk is handed out in a resolved
    // promise, without an async function's machinery per event (a replay is millions of them).
    next(): Promise<IteratorResult<RecordedEvent>> {
      let event: RecordedEvent | undefined;
      try {
        event = chunk?.take();
      } catch (err) {
        return close(err);
      }
      return event ? Promise.resolve({ done: false, value: event }) : nextChunk();
    },
    async return(): Promise<IteratorResult<RecordedEvent>> {
      done = true;
      chunk = undefined;
      await chunks?.return?.();
      return { done: true, value: undefined };
    },
  };
}

/**
 * The records of one chunk read from a segment, decoded one at a time as they are
 * taken: only the event being handed out is alive, not the chunk's thousands, so
 * a replay's garbage dies young (decoding the whole chunk first spent a quarter of
 * a replay in the garbage collector). A damaged record throws CorruptLogError when
 * its turn comes, after the whole records before it.
 */
export class RecordChunk {
  private at = 0;
  private taken = 0;

  constructor(
    private readonly buf: Buffer,
    private readonly segment: SegmentFile,
    private readonly start: number,
    private readonly end: number,
    private readonly positions: readonly number[],
    /** Frames before this offset in `buf` were checked already (on the worker); from it on, each is checked here. */
    private readonly verifiedEnd = 0,
  ) {}

  take(): RecordedEvent | undefined {
    if (this.taken >= this.positions.length) return undefined;
    const p = this.positions[this.taken]!;
    let payloadStart: number;
    let next: number;
    if (this.at < this.verifiedEnd) {
      payloadStart = this.at + FRAME_HEADER_BYTES;
      next = payloadStart + this.buf.readUInt32LE(this.at);
    } else {
      const frame = readFrame(this.buf, this.at, this.end - this.start);
      if (frame.kind !== 'record') this.fail(frame.kind === 'bad' ? frame.reason : 'record cut short');
      ({ payloadStart, next } = frame);
    }
    let event: RecordedEvent;
    try {
      event = decodeRecord(this.buf.toString('utf8', payloadStart, next));
    } catch (err) {
      if (!(err instanceof MalformedRecord)) throw err;
      this.fail(err.message);
    }
    if (event.position !== p) this.fail(`record has position ${event.position}, expected ${p}`);
    this.at = next;
    this.taken++;
    return event;
  }

  private fail(reason: string): never {
    this.taken = this.positions.length; // nothing after damage is handed out
    throw new CorruptLogError(this.segment.name, this.start + this.at, reason);
  }
}

/** Positions whose records lie back to back in one segment, at most one chunk long. */
interface RecordRun {
  segment: SegmentFile;
  start: number;
  end: number;
  positions: number[];
}

function* recordRuns(table: EventTable, positions: Iterable<number>): Generator<RecordRun> {
  const iterator = positions[Symbol.iterator]();
  let step = iterator.next();
  while (!step.done) {
    const first = step.value;
    const { base, offset, length } = table; // rows are positions from `base` on (0 but for a read-only open by position)
    const segment = table.segmentOf(first);
    const start = offset[first - base]!;
    let end = start + length[first - base]!;
    const run = [first];
    step = iterator.next();
    while (!step.done) {
      const p = step.value;
      const o = offset[p - base]!;
      const next = o + length[p - base]!;
      if (o !== end || next - start > READ_CHUNK_BYTES || table.segmentOf(p) !== segment) break;
      run.push(p);
      end = next;
      step = iterator.next();
    }
    yield { segment, start, end, positions: run };
  }
}

/**
 * Who reads a chunk of at least `fromRecords` records and checks its frames: `worker`, while
 * this thread decodes the chunk before (a replay's chunks hold ~2,000 records each).
 */
export interface ChunkVerifier {
  worker: RecordWorker;
  fromRecords: number;
}

/** A chunk's bytes, and where the frames checked already end in them. */
interface LoadedChunk {
  buf: Buffer;
  verifiedEnd: number;
}

/**
 * The records at `positions`, one chunk per read; the next chunk is read (on `verifier`'s
 * worker, which also checks its frames) while this one is decoded, into the buffer the chunk
 * before it used (a chunk is taken whole before the next is asked for).
 */
export async function* readRecordBatches(dir: string, table: EventTable, positions: Iterable<number>, verifier?: ChunkVerifier): AsyncGenerator<RecordChunk> {
  const handles = new Map<string, FileHandle>();
  const read = async (run: RecordRun, into: Buffer): Promise<Buffer> => {
    const buf = run.end - run.start > into.length ? Buffer.allocUnsafe(run.end - run.start) : into;
    await readExactly(await handleFor(handles, dir, run.segment), buf, run.end - run.start, run.start, run.segment);
    return buf;
  };
  const load = async (run: RecordRun, into: Buffer): Promise<LoadedChunk> => {
    const length = run.end - run.start;
    // Only a buffer that owns its whole ArrayBuffer can move to the worker (chunk buffers do).
    const movable = into.byteOffset === 0 && into.buffer.byteLength === into.length && length <= into.length;
    if (!verifier || run.positions.length < verifier.fromRecords || !movable || !verifier.worker.ready()) return { buf: await read(run, into), verifiedEnd: 0 };
    try {
      const { bytes, complete, end } = await verifier.worker.readChunk(join(dir, run.segment.name), run.start, length, into);
      const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      return complete ? { buf, verifiedEnd: end } : { buf: await read(run, buf), verifiedEnd: 0 };
    } catch {
      // The worker failed, and the buffer it held is gone: read the chunk here.
      return { buf: await read(run, Buffer.allocUnsafe(READ_CHUNK_BYTES)), verifiedEnd: 0 };
    }
  };
  const runs = recordRuns(table, positions);
  // Two chunks take turns (one read while the other is decoded), each made when first needed; a run of
  // less than SMALL_RUN_BYTES is read into a buffer of its own size (see there).
  let spare: Buffer | undefined;
  const bufferFor = (run: RecordRun): Buffer => {
    const length = run.end - run.start;
    if (length < SMALL_RUN_BYTES) return Buffer.allocUnsafe(length);
    const chunk = spare ?? Buffer.allocUnsafe(READ_CHUNK_BYTES);
    spare = undefined;
    return chunk;
  };
  let current = runs.next();
  let loading = current.done ? undefined : load(current.value, bufferFor(current.value));
  try {
    while (!current.done) {
      const { segment, start, end, positions: run } = current.value;
      const { buf, verifiedEnd } = await loading!;
      const following = runs.next();
      loading = following.done ? undefined : load(following.value, bufferFor(following.value));
      loading?.catch(() => undefined); // awaited on the next turn or in finally
      if (buf.length >= SMALL_RUN_BYTES) spare = buf;
      current = following;
      yield new RecordChunk(buf, segment, start, end, run, verifiedEnd);
    }
  } finally {
    await loading?.catch(() => undefined);
    for (const fh of handles.values()) await fh.close();
  }
}

async function handleFor(handles: Map<string, FileHandle>, dir: string, segment: SegmentFile): Promise<FileHandle> {
  let fh = handles.get(segment.name);
  if (!fh) {
    fh = await open(join(dir, segment.name), 'r');
    handles.set(segment.name, fh);
  }
  return fh;
}

async function readExactly(fh: FileHandle, buf: Buffer, length: number, position: number, segment: SegmentFile): Promise<void> {
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, position + got);
    if (bytesRead === 0) throw new CorruptLogError(segment.name, position + got, 'the segment is shorter than its index says');
    got += bytesRead;
  }
}
