import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordedEvent } from '@dotscience/core';
import { CorruptLogError } from './event-store-errors.js';
import type { EventTable } from './event-table.js';
import { decodeRecord, MalformedRecord } from './record-codec.js';
import { readFrame } from './record-frame.js';
import type { SegmentFile } from './segment-files.js';

/** Read at most this many bytes per system call; neighbouring records are read together up to it. */
const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * Yield the committed events at `positions` (ascending) from disk, reading
 * neighbouring records in chunks of up to 1 MiB, checking each checksum.
 * Memory stays bounded by one chunk however large the segments are.
 */
export function readRecords(dir: string, table: EventTable, positions: Iterable<number>): AsyncIterableIterator<RecordedEvent> {
  return eventsOf(() => readRecordBatches(dir, table, positions));
}

/**
 * One event at a time out of batches, without an async generator's per-item
 * machinery: a replay of a million events costs one await per event here and one
 * real read per 1 MiB chunk. `start` runs on the first `next()`.
 */
export function eventsOf(start: () => AsyncIterator<RecordedEvent[]> | Promise<AsyncIterator<RecordedEvent[]>>): AsyncIterableIterator<RecordedEvent> {
  let batches: AsyncIterator<RecordedEvent[]> | undefined;
  let batch: RecordedEvent[] = [];
  let at = 0;
  let done = false;
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next(): Promise<IteratorResult<RecordedEvent>> {
      while (at >= batch.length) {
        if (done) return { done: true, value: undefined };
        batches ??= await start();
        const step = await batches.next();
        if (step.done) {
          done = true;
          return { done: true, value: undefined };
        }
        batch = step.value;
        at = 0;
      }
      return { done: false, value: batch[at++]! };
    },
    async return(): Promise<IteratorResult<RecordedEvent>> {
      done = true;
      batch = [];
      await batches?.return?.();
      return { done: true, value: undefined };
    },
  };
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
    const segment = table.segmentOf(first);
    const start = table.offset[first]!;
    let end = start + table.length[first]!;
    const run = [first];
    step = iterator.next();
    while (!step.done) {
      const p = step.value;
      const o = table.offset[p]!;
      const next = o + table.length[p]!;
      if (o !== end || next - start > READ_CHUNK_BYTES || table.segmentOf(p) !== segment) break;
      run.push(p);
      end = next;
      step = iterator.next();
    }
    yield { segment, start, end, positions: run };
  }
}

/**
 * The events at `positions`, one array per chunk read; the next chunk is read while
 * this one is decoded. A damaged record ends the sequence with a CorruptLogError
 * after the whole records before it are handed out.
 */
export async function* readRecordBatches(dir: string, table: EventTable, positions: Iterable<number>): AsyncGenerator<RecordedEvent[]> {
  const handles = new Map<string, FileHandle>();
  const load = async (run: RecordRun, into: Buffer): Promise<Buffer> => {
    const buf = run.end - run.start > into.length ? Buffer.allocUnsafe(run.end - run.start) : into;
    await readExactly(await handleFor(handles, dir, run.segment), buf, run.end - run.start, run.start, run.segment);
    return buf;
  };
  const runs = recordRuns(table, positions);
  let spare: Buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  let current = runs.next();
  let loading = current.done ? undefined : load(current.value, Buffer.allocUnsafe(READ_CHUNK_BYTES));
  try {
    while (!current.done) {
      const { segment, start, end, positions: run } = current.value;
      const buf = await loading!;
      const following = runs.next();
      loading = following.done ? undefined : load(following.value, spare);
      loading?.catch(() => undefined); // awaited on the next turn or in finally
      const batch: RecordedEvent[] = new Array(run.length);
      let at = 0;
      for (let i = 0; i < run.length; i++) {
        const p = run[i]!;
        const frame = readFrame(buf, at, end - start);
        if (frame.kind !== 'record') {
          yield batch.slice(0, i);
          throw new CorruptLogError(segment.name, start + at, frame.kind === 'bad' ? frame.reason : 'record cut short');
        }
        let event: RecordedEvent;
        try {
          event = decodeRecord(buf.toString('utf8', frame.payloadStart, frame.next));
        } catch (err) {
          if (!(err instanceof MalformedRecord)) throw err;
          yield batch.slice(0, i);
          throw new CorruptLogError(segment.name, start + at, err.message);
        }
        if (event.position !== p) {
          yield batch.slice(0, i);
          throw new CorruptLogError(segment.name, start + at, `record has position ${event.position}, expected ${p}`);
        }
        at = frame.next;
        batch[i] = event;
      }
      spare = buf;
      current = following;
      yield batch;
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
