import { crc32 } from 'node:zlib';

/**
 * One record on disk: `u32 LE payload length | u32 LE crc32(length bytes ‖ payload) | payload`.
 * The CRC covers the length too, so a flipped length byte is caught like a flipped payload byte.
 */
export const FRAME_HEADER_BYTES = 8;
/** No record may be larger than this; a larger length field is damage, not a record. */
export const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

export function frameChecksum(buf: Buffer, at: number, length: number): number {
  return crc32(buf.subarray(at + FRAME_HEADER_BYTES, at + FRAME_HEADER_BYTES + length), lengthChecksum(length));
}

/**
 * CRC-32 (zlib's: reflected 0xEDB88320) as a table, one entry per byte value. Self-contained,
 * like `checksumOfLength`: the record worker's source holds both (`toString`).
 */
export function crcTable(): Int32Array {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
}

/** `crc32` of a length field's four bytes (u32 LE), by `table` (`crcTable()`). */
export function checksumOfLength(table: Int32Array, length: number): number {
  let c = ~0;
  for (let k = 0; k < 32; k += 8) c = table[(c ^ (length >>> k)) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

const CRC_TABLE = crcTable();

/**
 * `crc32` of the length field's four bytes (u32 LE), computed here: one call into
 * zlib per record (for the payload, continuing from this) instead of two.
 */
export function lengthChecksum(length: number): number {
  return checksumOfLength(CRC_TABLE, length);
}

export type FrameRead =
  /** A whole record whose checksum matches. */
  | { kind: 'record'; payloadStart: number; payloadLength: number; next: number }
  /** The buffer ends before the record does (read more, or: not yet written). */
  | { kind: 'incomplete' }
  /** Zero or absurd length, or a checksum mismatch. */
  | { kind: 'bad'; reason: string };

/** Decode the frame starting at `at` in `buf` (which holds the file's bytes from some offset on). */
export function readFrame(buf: Buffer, at: number, end: number = buf.length): FrameRead {
  if (end - at < FRAME_HEADER_BYTES) return { kind: 'incomplete' };
  const length = buf.readUInt32LE(at);
  if (length === 0 || length > MAX_PAYLOAD_BYTES) return { kind: 'bad', reason: `impossible record length ${length}` };
  if (end - at < FRAME_HEADER_BYTES + length) return { kind: 'incomplete' };
  const stored = buf.readUInt32LE(at + 4);
  if (frameChecksum(buf, at, length) !== stored) return { kind: 'bad', reason: 'checksum mismatch' };
  return { kind: 'record', payloadStart: at + FRAME_HEADER_BYTES, payloadLength: length, next: at + FRAME_HEADER_BYTES + length };
}
