import { BatchCanonicalFields, chainHashOfFields, flattened, type NewEvent, type RecordedEvent } from '@dotscience/core';
import { recordText } from './record-codec.js';
import { metaRecordText } from './record-meta.js';
import { FRAME_HEADER_BYTES, frameChecksum } from './record-frame.js';

/** The frames of one append, back to back in one buffer, and each frame's length. */
export interface EncodedRecords {
  events: RecordedEvent[];
  bytes: Buffer;
  lengths: number[];
}

/** UTF-8 takes at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2 units). */
const MAX_UTF8_BYTES_PER_UNIT = 3;
/** First guess at a record's framed size (a metric event's is ~530 bytes); the buffer grows when a batch needs more. */
const EXPECTED_RECORD_BYTES = 640;

/**
 * Seal `events` onto a stream head and encode them as framed records in one buffer.
 * The chain is core's (`BatchCanonicalFields`, `chainHashOfFields`: what chainEvents
 * computes), so every store agrees on it. Each hashed field is written as canonical
 * JSON once; the hashed body and the record (record-codec.ts) are both made of those texts.
 * Each record is encoded as soon as it is made, so its text dies young (holding a
 * batch's texts until a second pass kept them alive through garbage collections).
 */
export function sealAndEncode(
  stream: string,
  head: { revision: number; hash: string },
  events: readonly NewEvent[],
  firstPosition: number,
  recordedAt: string,
): EncodedRecords {
  const recordedAtJson = JSON.stringify(recordedAt);
  const recorded = new Array<RecordedEvent>(events.length);
  const lengths = new Array<number>(events.length);
  let bytes: Buffer = Buffer.allocUnsafe(events.length * EXPECTED_RECORD_BYTES);
  let at = 0;
  let prevHash = head.hash;
  const canonical = new BatchCanonicalFields(stream);
  for (let i = 0; i < events.length; i++) {
    const { id, type, schemaVersion, data, meta } = events[i]!;
    const revision = head.revision + 1 + i;
    const position = firstPosition + i;
    const fields = canonical.of({ id, type, schemaVersion, revision, data, meta });
    const hash = chainHashOfFields(prevHash, fields);
    recorded[i] = { id, type, schemaVersion, data, meta, stream, revision, prevHash, hash, position, recordedAt };
    const text = flattened(recordText(fields, metaRecordText(meta, fields.meta), prevHash, hash, position, recordedAtJson));
    // Room for the worst case, so each text is encoded once (no pass to measure it first).
    const room = at + FRAME_HEADER_BYTES + text.length * MAX_UTF8_BYTES_PER_UNIT;
    if (room > bytes.length) bytes = grown(bytes, at, room + (events.length - i - 1) * EXPECTED_RECORD_BYTES);
    const length = bytes.write(text, at + FRAME_HEADER_BYTES, 'utf8');
    bytes.writeUInt32LE(length, at);
    bytes.writeUInt32LE(frameChecksum(bytes, at, length), at + 4);
    lengths[i] = FRAME_HEADER_BYTES + length;
    at += FRAME_HEADER_BYTES + length;
    prevHash = hash;
  }
  return { events: recorded, bytes: bytes.subarray(0, at), lengths };
}

/** A buffer of at least `size` bytes (at least twice the old one) holding the old one's first `used` bytes. */
function grown(bytes: Buffer, used: number, size: number): Buffer {
  const bigger = Buffer.allocUnsafe(Math.max(size, bytes.length * 2));
  bytes.copy(bigger, 0, 0, used);
  return bigger;
}
