import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordedEvent } from '@dotscience/core';
import { CorruptLogError } from './event-store-errors.js';
import { loadIndexSnapshot } from './index-snapshot.js';
import { decodeRecord, MalformedRecord } from './record-codec.js';
import { readRecords } from './record-reader.js';
import { listSegments, scanSegment, type SegmentFile } from './segment-files.js';
import type { EventTable } from './event-table.js';
import { StreamIndex } from './stream-index.js';

export interface RecoveryOptions {
  /** 'writer' truncates a torn tail and fails on damage before it; 'reader' stops at the first incomplete record. */
  role: 'writer' | 'reader';
  /**
   * Check every record's checksum, also those the snapshot covers. Without it only the
   * last record the snapshot covers is read (its checksum, position and hash against the
   * snapshot's head of its stream): O(1), so a read command does not pay O(log) at open;
   * every record it reads later is checked as it is read.
   */
  verifyChecksums: boolean;
  /** Use the persisted index snapshot when it matches the log. */
  useSnapshot: boolean;
}

export interface RecoveredLog {
  index: StreamIndex;
  /** Byte length of the last segment up to the last whole record. */
  tailSize: number;
  /** Whether the index came from the snapshot (and only the part after it was scanned). */
  fromSnapshot: boolean;
  /** The snapshot it came from is of an older format (to be written again). */
  snapshotOutdated: boolean;
  /** Bytes cut off a torn tail, 0 when none. */
  truncatedBytes: number;
}

/** Build the stream index from the persisted snapshot and/or the log itself. */
export async function recoverLog(dir: string, snapshotPath: string, options: RecoveryOptions): Promise<RecoveredLog> {
  const segments = await listSegments(dir);
  const loaded = options.useSnapshot ? await loadIndexSnapshot(snapshotPath) : undefined;
  let snapshot = loaded && (await snapshotFits(dir, loaded.index.table.segments, loaded.lastSegmentEnd, segments)) ? loaded : undefined;
  if (snapshot && options.verifyChecksums) {
    if (!(await verifyCovered(dir, snapshot.index, snapshot.lastSegmentEnd))) snapshot = undefined;
  } else if (snapshot && !(await lastCoveredAgrees(dir, snapshot.index))) snapshot = undefined;
  const index = snapshot?.index ?? new StreamIndex();
  const tail = await scanForward(dir, index, segments, snapshot?.lastSegmentEnd ?? 0, options.role);
  return {
    index,
    tailSize: tail.tailSize,
    fromSnapshot: snapshot !== undefined,
    snapshotOutdated: snapshot?.outdated ?? false,
    truncatedBytes: tail.truncatedBytes,
  };
}

/** What a scan of the log adds records to: the stream index, or a read-only open's places by position (LogByPosition). */
export interface RecordPlaces {
  readonly table: EventTable;
  readonly committedCount: number;
  commit(event: RecordedEvent, offset: number, length: number): void;
}

/**
 * Read the log past what `index` already holds (its last segment from byte
 * `tailSize`, then any later segments on disk) and add every whole record.
 * A writer truncates a torn tail and fails on damage before it; a reader stops
 * at the first incomplete or damaged record: to it, that is not yet written.
 */
export async function scanForward(
  dir: string,
  index: RecordPlaces,
  onDisk: readonly SegmentFile[],
  tailSize: number,
  role: 'writer' | 'reader',
): Promise<{ tailSize: number; truncatedBytes: number }> {
  const known = index.table.segments;
  const start = Math.max(0, known.length - 1);
  let truncatedBytes = 0;
  for (let i = start; i < onDisk.length; i++) {
    const segment = onDisk[i]!;
    if (i >= known.length) {
      if (segment.firstPosition !== index.committedCount) {
        if (role === 'reader') break;
        throw new CorruptLogError(segment.name, 0, `segment starts at position ${segment.firstPosition} but the log before it ends at ${index.committedCount}`);
      }
      known.push(segment);
      tailSize = 0;
    }
    const path = join(dir, segment.name);
    const end = await scanSegment(path, tailSize, (record) => {
      let event: RecordedEvent;
      try {
        event = decodeRecord(record.payload.toString('utf8'));
      } catch (err) {
        if (!(err instanceof MalformedRecord)) throw err;
        throw new CorruptLogError(segment.name, record.offset, err.message);
      }
      if (event.position !== index.committedCount) {
        throw new CorruptLogError(segment.name, record.offset, `record has position ${event.position}, expected ${index.committedCount}`);
      }
      index.commit(event, record.offset, record.length);
    });
    tailSize = end.offset;
    if (end.kind === 'end') continue;
    // Damage with whole records after it, or in a segment the writer has moved past, is never a write in
    // progress: a reader (ds audit verify opens read-only) must report it too, not read up to it and say ok.
    if (end.validAfter || i !== onDisk.length - 1) throw new CorruptLogError(segment.name, end.offset, end.reason);
    if (role === 'reader') break;
    truncatedBytes = (await stat(path)).size - end.offset;
    await truncateTornTail(path, end.offset);
  }
  return { tailSize, truncatedBytes };
}

/** Whether a snapshot covering `covered` (the last up to byte `lastEnd`) can describe the segments on disk. */
export async function snapshotFits(dir: string, covered: readonly SegmentFile[], lastEnd: number, onDisk: readonly SegmentFile[]): Promise<boolean> {
  if (covered.length === 0) return lastEnd === 0;
  if (covered.length > onDisk.length) return false;
  if (!covered.every((s, i) => s.name === onDisk[i]!.name && s.firstPosition === onDisk[i]!.firstPosition)) return false;
  const last = covered[covered.length - 1]!;
  const size = (await stat(join(dir, last.name)).catch(() => undefined))?.size;
  return size !== undefined && size >= lastEnd;
}

/**
 * Re-check the checksum of every record the snapshot covers (damage there is never a
 * torn tail: those records were acknowledged). False when the snapshot does not
 * describe this log (then the index is rebuilt).
 */
async function verifyCovered(dir: string, index: StreamIndex, lastEnd: number): Promise<boolean> {
  const { table } = index;
  let position = 0;
  for (let i = 0; i < table.segments.length; i++) {
    const segment = table.segments[i]!;
    const isLast = i === table.segments.length - 1;
    let seen = 0;
    let agrees = true;
    const end = await scanSegment(join(dir, segment.name), 0, (record) => {
      if (isLast && record.offset >= lastEnd) return;
      const p = segment.firstPosition + seen++;
      if (table.offset[p] !== record.offset || table.length[p] !== record.length) agrees = false;
      position = p + 1;
    });
    if (!agrees) return false;
    if (end.kind === 'damaged' && (!isLast || end.offset < lastEnd)) {
      throw new CorruptLogError(segment.name, end.offset, end.reason);
    }
  }
  return position === table.count;
}

/**
 * Whether the last record the snapshot covers is whole, at its position, and the head
 * the snapshot names for its stream (a snapshot of another log, or of a log since
 * restored from an older copy, fails this and the index is built from the records).
 */
async function lastCoveredAgrees(dir: string, index: StreamIndex): Promise<boolean> {
  const last = index.table.count - 1;
  if (last < 0) return true;
  try {
    for await (const event of readRecords(dir, index.table, [last])) return index.streams.get(event.stream)?.committedHash === event.hash;
    return false;
  } catch (error) {
    if (error instanceof CorruptLogError) return false;
    throw error;
  }
}

async function truncateTornTail(path: string, size: number): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    await fh.truncate(size);
    await fh.datasync();
  } finally {
    await fh.close();
  }
}
