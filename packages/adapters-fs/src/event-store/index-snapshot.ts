import { open, readFile, type FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { writeFileAtomic } from './atomic-file.js';
import { EventTable } from './event-table.js';
import type { SegmentFile } from './segment-files.js';
import { StreamIndex } from './stream-index.js';

/**
 * The stream index persisted as one binary file, so opening a big log does not
 * re-parse every record (format 2, docs/decisions.md D146):
 *   'DSIX' | u32 header length | header JSON | 4 × u32[count] columns (offset, length, stream, id print)
 *   | u32 crc32 per block of BLOCK_ROWS rows of the offset and length columns | streams JSON | u32 crc32 of all before.
 * The header names the segments it covers, where the last one ended and the hash of the last
 * record: a read-only open by position reads the header and only the blocks of offsets and
 * lengths it needs, each checked by its own crc (`SnapshotRows`); a full open reads it all,
 * checked by the crc at the end. Format 1 (the streams inside the header, no block crcs) is
 * still read by a full open.
 */
const MAGIC = 0x58495344; // 'DSIX' little-endian
const FORMAT = 2;
/** Rows per block of the offset and length columns that `SnapshotRows` reads and checks as one. */
const BLOCK_ROWS = 16_384;

interface SnapshotHeader {
  format: number;
  count: number;
  segments: SegmentFile[];
  /** Committed byte length of the last segment when the snapshot was taken. */
  lastSegmentEnd: number;
  /** Format 2: the hash of the record at position count - 1 (the genesis hash's place is never read: count 0 has no such record). */
  lastHash?: string;
  /** Format 1: [name, committed head hash] in stream-id order (format 2 keeps them after the columns). */
  streams?: Array<[string, string]>;
}

export interface LoadedSnapshot {
  index: StreamIndex;
  lastSegmentEnd: number;
  /** Of format 1: a writer replaces it (at its close) so that read-only opens can read it by position. */
  outdated: boolean;
}

const blocksOf = (count: number): number => Math.ceil(count / BLOCK_ROWS);

/** Bytes of the file checked per turn of the event loop while a snapshot is written. */
const CRC_SLICE = 1024 * 1024;

/**
 * Write the index as a snapshot file (replaced atomically). Its rows are not copied: the
 * committed rows of the table's columns never change (appends add rows after them; growing a
 * column makes a new one), so the file is written from views of them, its checksums computed
 * a MiB per turn of the event loop, and the file written a synced MiB at a time (writeFileAtomic).
 * Copying a million events' rows into one buffer held a busy hub's event loop ~50 ms, and
 * writing it unsynced put 16 MB in front of the log's next fdatasync.
 */
export async function saveIndexSnapshot(path: string, index: StreamIndex): Promise<void> {
  const { table } = index;
  const count = table.count;
  const lastStream = count === 0 ? undefined : index.streams.get(index.streamNames[table.streamOf[count - 1]!]!);
  const header: SnapshotHeader = {
    format: FORMAT,
    count,
    segments: table.segments,
    lastSegmentEnd: table.lastSegmentEnd(),
    ...(lastStream ? { lastHash: lastStream.committedHash } : {}),
  };
  const json = Buffer.from(JSON.stringify(header));
  const streams = Buffer.from(JSON.stringify(index.streamNames.map((name) => [name, index.streams.get(name)!.committedHash])));
  const cols = table.columns();
  const columnBytes = 4 * count;
  const start = Buffer.allocUnsafe(8);
  start.writeUInt32LE(MAGIC, 0);
  start.writeUInt32LE(json.length, 4);
  const columns = [cols.offset, cols.length, cols.streamOf, cols.idPrint].map((col) => Buffer.from(col.buffer, col.byteOffset, columnBytes));
  const blocks = blocksOf(count);
  const blockCrcs = Buffer.allocUnsafe(4 * blocks);
  for (let b = 0; b < blocks; b++) {
    const from = b * BLOCK_ROWS;
    const to = Math.min(count, from + BLOCK_ROWS);
    blockCrcs.writeUInt32LE(blockCrc(cols.offset.subarray(from, to), cols.length.subarray(from, to)), 4 * b);
    if ((b + 1) % 64 === 0) await nextTurn(); // 64 blocks: 8 MiB of offsets and lengths
  }
  const parts = [start, json, ...columns, blockCrcs, streams];
  let crc = 0;
  for (const part of parts)
    for (let at = 0; at < part.length; at += CRC_SLICE) {
      crc = crc32(part.subarray(at, at + CRC_SLICE), crc);
      await nextTurn();
    }
  const end = Buffer.allocUnsafe(4);
  end.writeUInt32LE(crc, 0);
  await writeFileAtomic(path, [...parts, end]);
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function blockCrc(offset: Uint32Array, length: Uint32Array): number {
  const bytes = (column: Uint32Array): Buffer => Buffer.from(column.buffer, column.byteOffset, column.byteLength);
  return crc32(bytes(length), crc32(bytes(offset)));
}

/** The snapshot, or undefined when it is missing, damaged or of another format (then the index is rebuilt). */
export async function loadIndexSnapshot(path: string): Promise<LoadedSnapshot | undefined> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch {
    return undefined;
  }
  if (buf.length < 12 || buf.readUInt32LE(0) !== MAGIC) return undefined;
  if (crc32(buf.subarray(0, buf.length - 4)) !== buf.readUInt32LE(buf.length - 4)) return undefined;
  const jsonLength = buf.readUInt32LE(4);
  const header = parseHeader(buf.toString('utf8', 8, 8 + jsonLength));
  if (header === undefined) return undefined;
  const { count } = header;
  const columnsAt = 8 + jsonLength;
  let streams: Array<[string, string]>;
  if (header.format === 1 && header.streams && columnsAt + 16 * count + 4 === buf.length) streams = header.streams;
  else if (header.format === FORMAT) {
    const streamsAt = columnsAt + 16 * count + 4 * blocksOf(count);
    if (streamsAt + 4 > buf.length) return undefined;
    try {
      streams = JSON.parse(buf.toString('utf8', streamsAt, buf.length - 4)) as Array<[string, string]>;
    } catch {
      return undefined;
    }
  } else return undefined;
  const column = (i: number): Uint32Array => {
    const start = columnsAt + i * 4 * count;
    const col = new Uint32Array(Math.max(count, 1024));
    col.set(new Uint32Array(buf.buffer.slice(buf.byteOffset + start, buf.byteOffset + start + 4 * count)));
    return col;
  };
  const table = EventTable.fromColumns(count, header.segments, {
    offset: column(0),
    length: column(1),
    streamOf: column(2),
    idPrint: column(3),
  });
  const index = new StreamIndex(table);
  for (const [name, hash] of streams) index.ensureStream(name).committedHash = hash;
  const byId = index.streamNames.map((n) => index.streams.get(n)!.positions);
  for (let p = 0; p < count; p++) {
    const positions = byId[table.streamOf[p]!];
    if (!positions) return undefined;
    positions.push(p);
  }
  return { index, lastSegmentEnd: header.lastSegmentEnd, outdated: header.format !== FORMAT };
}

function parseHeader(text: string): SnapshotHeader | undefined {
  try {
    return JSON.parse(text) as SnapshotHeader;
  } catch {
    return undefined;
  }
}

/**
 * A format-2 snapshot opened for reading rows by position (D146): its header, and the offsets and
 * lengths of any positions it covers, read by block and each block checked against its crc. The file
 * stays open, so a snapshot a writer replaces meanwhile (a rename) is still the one read.
 */
export class SnapshotRows {
  private constructor(
    private readonly fh: FileHandle,
    readonly count: number,
    readonly segments: SegmentFile[],
    readonly lastSegmentEnd: number,
    readonly lastHash: string | undefined,
    private readonly columnsAt: number,
  ) {}

  /** The snapshot at `path` when it is of format 2 and its header parses; undefined otherwise (then a full open reads it). */
  static async open(path: string): Promise<SnapshotRows | undefined> {
    const fh = await open(path, 'r').catch(() => undefined);
    if (!fh) return undefined;
    try {
      const size = (await fh.stat()).size;
      const start = Buffer.alloc(8);
      if (size < 12 || (await fh.read(start, 0, 8, 0)).bytesRead !== 8 || start.readUInt32LE(0) !== MAGIC) throw new NotByPosition();
      const jsonLength = start.readUInt32LE(4);
      if (8 + jsonLength > size) throw new NotByPosition();
      const json = Buffer.alloc(jsonLength);
      if ((await fh.read(json, 0, jsonLength, 8)).bytesRead !== jsonLength) throw new NotByPosition();
      const header = parseHeader(json.toString('utf8'));
      if (header?.format !== FORMAT || !Number.isSafeInteger(header.count) || header.count < 0) throw new NotByPosition();
      const columnsAt = 8 + jsonLength;
      if (columnsAt + 16 * header.count + 4 * blocksOf(header.count) + 4 > size) throw new NotByPosition();
      if (header.count > 0 && typeof header.lastHash !== 'string') throw new NotByPosition();
      return new SnapshotRows(fh, header.count, header.segments, header.lastSegmentEnd, header.lastHash, columnsAt);
    } catch (error) {
      await fh.close();
      if (error instanceof NotByPosition) return undefined;
      throw error;
    }
  }

  /**
   * The offsets and lengths of positions `from` … `to - 1` (to ≤ count), widened to whole blocks at
   * the start: `first` is the position of their first row. Undefined when a block's crc does not match.
   */
  async rows(from: number, to: number): Promise<{ first: number; offset: Uint32Array; length: Uint32Array } | undefined> {
    const firstBlock = Math.floor(from / BLOCK_ROWS);
    const first = firstBlock * BLOCK_ROWS;
    const end = Math.min(this.count, Math.ceil(to / BLOCK_ROWS) * BLOCK_ROWS);
    const rows = end - first;
    const offset = await this.column(0, first, rows);
    const length = await this.column(1, first, rows);
    const crcs = Buffer.alloc(4 * blocksOf(rows));
    await this.readExactly(crcs, this.columnsAt + 16 * this.count + 4 * firstBlock);
    for (let b = 0; b * BLOCK_ROWS < rows; b++) {
      const at = b * BLOCK_ROWS;
      const upTo = Math.min(rows, at + BLOCK_ROWS);
      if (blockCrc(offset.subarray(at, upTo), length.subarray(at, upTo)) !== crcs.readUInt32LE(4 * b)) return undefined;
    }
    return { first, offset: offset.subarray(0, to - first), length: length.subarray(0, to - first) };
  }

  close(): Promise<void> {
    return this.fh.close();
  }

  private async column(index: number, first: number, rows: number): Promise<Uint32Array> {
    const column = new Uint32Array(rows);
    await this.readExactly(Buffer.from(column.buffer), this.columnsAt + index * 4 * this.count + 4 * first);
    return column;
  }

  private async readExactly(into: Buffer, position: number): Promise<void> {
    let got = 0;
    while (got < into.length) {
      const { bytesRead } = await this.fh.read(into, got, into.length - got, position + got);
      if (bytesRead === 0) throw new Error(`internal: the index snapshot is shorter than its header says`);
      got += bytesRead;
    }
  }
}

class NotByPosition extends Error {}
