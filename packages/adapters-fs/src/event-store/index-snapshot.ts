import { readFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { writeFileAtomic } from './atomic-file.js';
import { EventTable } from './event-table.js';
import type { SegmentFile } from './segment-files.js';
import { StreamIndex } from './stream-index.js';

/**
 * The stream index persisted as one binary file, so opening a big log does not
 * re-parse every record:
 *   'DSIX' | u32 header length | header JSON | 4 × u32[count] columns | u32 crc32 of all before.
 * The header names the segments it covers and where the last one ended.
 */
const MAGIC = 0x58495344; // 'DSIX' little-endian
const FORMAT = 1;

interface SnapshotHeader {
  format: number;
  count: number;
  segments: SegmentFile[];
  /** Committed byte length of the last segment when the snapshot was taken. */
  lastSegmentEnd: number;
  /** [name, committed head hash] in stream-id order. */
  streams: Array<[string, string]>;
}

export interface LoadedSnapshot {
  index: StreamIndex;
  lastSegmentEnd: number;
}

export async function saveIndexSnapshot(path: string, index: StreamIndex): Promise<void> {
  const { table } = index;
  const header: SnapshotHeader = {
    format: FORMAT,
    count: table.count,
    segments: table.segments,
    lastSegmentEnd: table.lastSegmentEnd(),
    streams: index.streamNames.map((name) => [name, index.streams.get(name)!.committedHash]),
  };
  const json = Buffer.from(JSON.stringify(header));
  const cols = table.columns();
  const columnBytes = 4 * table.count;
  const buf = Buffer.allocUnsafe(8 + json.length + 4 * columnBytes + 4);
  buf.writeUInt32LE(MAGIC, 0);
  buf.writeUInt32LE(json.length, 4);
  json.copy(buf, 8);
  let at = 8 + json.length;
  for (const col of [cols.offset, cols.length, cols.streamOf, cols.idPrint]) {
    Buffer.from(col.buffer, col.byteOffset, columnBytes).copy(buf, at);
    at += columnBytes;
  }
  buf.writeUInt32LE(crc32(buf.subarray(0, at)), at);
  await writeFileAtomic(path, buf);
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
  let header: SnapshotHeader;
  try {
    header = JSON.parse(buf.toString('utf8', 8, 8 + jsonLength)) as SnapshotHeader;
  } catch {
    return undefined;
  }
  const { count } = header;
  if (header.format !== FORMAT || 8 + jsonLength + 16 * count + 4 !== buf.length) return undefined;
  const column = (i: number): Uint32Array => {
    const start = 8 + jsonLength + i * 4 * count;
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
  for (const [name, hash] of header.streams) index.ensureStream(name).committedHash = hash;
  const byId = index.streamNames.map((n) => index.streams.get(n)!.positions);
  for (let p = 0; p < count; p++) {
    const positions = byId[table.streamOf[p]!];
    if (!positions) return undefined;
    positions.push(p);
  }
  return { index, lastSegmentEnd: header.lastSegmentEnd };
}
