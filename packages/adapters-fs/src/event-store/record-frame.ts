import { crc32 } from 'node:zlib';

/**
 * One record on disk: `u32 LE payload length | u32 LE crc32(length bytes ‖ payload) | payload`.
 * The CRC covers the length too, so a flipped length byte is caught like a flipped payload byte.
 */
export const FRAME_HEADER_BYTES = 8;
/** No record may be larger than this; a larger length field is damage, not a record. */
export const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

export function frameChecksum(buf: Buffer, at: number, length: number): number {
  const lengthCrc = crc32(buf.subarray(at, at + 4));
  return crc32(buf.subarray(at + FRAME_HEADER_BYTES, at + FRAME_HEADER_BYTES + length), lengthCrc);
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
