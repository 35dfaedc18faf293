import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordedEvent } from '@dotscience/core';
import { CorruptLogError } from './event-store-errors.js';
import type { EventTable } from './event-table.js';
import { readFrame } from './record-frame.js';
import type { SegmentFile } from './segment-files.js';

/** Read at most this many bytes per system call; neighbouring records are read together up to it. */
const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * Yield the committed events at `positions` (ascending) from disk, reading
 * neighbouring records in chunks of up to 1 MiB, checking each checksum.
 * Memory stays bounded by one chunk however large the segments are.
 */
export async function* readRecords(dir: string, table: EventTable, positions: Iterable<number>): AsyncGenerator<RecordedEvent> {
  const handles = new Map<string, FileHandle>();
  let buf = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  const iterator = positions[Symbol.iterator]();
  let step = iterator.next();
  try {
    while (!step.done) {
      // Gather a run of positions whose records are contiguous in one segment.
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
      if (end - start > buf.length) buf = Buffer.allocUnsafe(end - start);
      await readExactly(await handleFor(handles, dir, segment), buf, end - start, start, segment);
      let at = 0;
      for (const p of run) {
        const frame = readFrame(buf, at, end - start);
        if (frame.kind !== 'record') {
          throw new CorruptLogError(segment.name, start + at, frame.kind === 'bad' ? frame.reason : 'record cut short');
        }
        const event = JSON.parse(buf.toString('utf8', frame.payloadStart, frame.next)) as RecordedEvent;
        if (event.position !== p) throw new CorruptLogError(segment.name, start + at, `record has position ${event.position}, expected ${p}`);
        at = frame.next;
        yield event;
      }
    }
  } finally {
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
