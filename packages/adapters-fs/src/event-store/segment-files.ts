import { open, readdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { readFrame, type FrameRead } from './record-frame.js';

/**
 * Segment files are named after the global position of their first record,
 * zero-padded so that name order is log order: `segment-0000000000001234.log`.
 */
const SEGMENT_NAME = /^segment-(\d{16})\.log$/;

export interface SegmentFile {
  name: string;
  /** Global position of the segment's first record. */
  firstPosition: number;
}

export function segmentName(firstPosition: number): string {
  return `segment-${String(firstPosition).padStart(16, '0')}.log`;
}

export async function listSegments(dir: string): Promise<SegmentFile[]> {
  const names = await readdir(dir);
  return names
    .map((name) => ({ name, match: SEGMENT_NAME.exec(name) }))
    .filter((s): s is { name: string; match: RegExpExecArray } => s.match !== null)
    .map((s) => ({ name: s.name, firstPosition: Number(s.match[1]) }))
    .sort((a, b) => a.firstPosition - b.firstPosition);
}

export interface ScannedRecord {
  offset: number;
  /** Whole frame length (header + payload). */
  length: number;
  payload: Buffer;
}

export type ScanEnd =
  | { kind: 'end'; offset: number }
  /** A damaged or incomplete record at `offset`; `validAfter` says whether a whole record follows it. */
  | { kind: 'damaged'; offset: number; reason: string; validAfter: boolean };

const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Walk the records of one segment from `from` to its end in large chunks, calling
 * `onRecord` for each whole record whose checksum matches. Stops at the first
 * record that is incomplete or damaged and says where.
 */
export async function scanSegment(path: string, from: number, onRecord: (record: ScannedRecord) => void): Promise<ScanEnd> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    let buf = Buffer.allocUnsafe(CHUNK_BYTES);
    let offset = from;
    while (offset < size) {
      const want = Math.min(size - offset, buf.length);
      const got = await readFully(fh, buf, want, offset);
      let at = 0;
      let frame: FrameRead = { kind: 'incomplete' };
      while (at < got) {
        frame = readFrame(buf, at, got);
        if (frame.kind !== 'record') break;
        onRecord({ offset: offset + at, length: frame.next - at, payload: buf.subarray(frame.payloadStart, frame.next) });
        at = frame.next;
      }
      if (at === got) {
        offset += at;
        continue;
      }
      if (frame.kind === 'incomplete' && offset + got < size) {
        // The record straddles the chunk: read again from its start (grow the buffer for a big record).
        if (at === 0) buf = Buffer.allocUnsafe(buf.length * 2);
        offset += at;
        continue;
      }
      const damagedAt = offset + at;
      const reason = frame.kind === 'bad' ? frame.reason : 'record cut short by the end of the file';
      return { kind: 'damaged', offset: damagedAt, reason, validAfter: await wholeRecordAfter(fh, damagedAt, size) };
    }
    return { kind: 'end', offset };
  } finally {
    await fh.close();
  }
}

async function readFully(fh: FileHandle, buf: Buffer, want: number, position: number): Promise<number> {
  let got = 0;
  while (got < want) {
    const { bytesRead } = await fh.read(buf, got, want - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}

/**
 * Is there a whole, checksum-valid record anywhere after the damaged one? If so the
 * damage is in the middle of the log (corruption); if not, it is a torn tail.
 */
async function wholeRecordAfter(fh: FileHandle, damagedAt: number, size: number): Promise<boolean> {
  const rest = Buffer.allocUnsafe(size - damagedAt);
  const got = await readFully(fh, rest, rest.length, damagedAt);
  for (let at = 1; at < got; at++) {
    if (readFrame(rest, at, got).kind === 'record') return true;
  }
  return false;
}

export function segmentPath(dir: string, segment: SegmentFile): string {
  return join(dir, segment.name);
}
