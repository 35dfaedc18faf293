import { bodyOf, canonicalFields, chainHash, flattened, type NewEvent, type RecordedEvent } from '@dotscience/core';
import { recordText } from './record-codec.js';
import { FRAME_HEADER_BYTES, frameChecksum } from './record-frame.js';

/** The frames of one append, back to back in one buffer, and each frame's length. */
export interface EncodedRecords {
  events: RecordedEvent[];
  bytes: Buffer;
  lengths: number[];
}

/** UTF-8 takes at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2 units). */
const MAX_UTF8_BYTES_PER_UNIT = 3;

/**
 * Seal `events` onto a stream head and encode them as framed records in one buffer.
 * The chain is core's (`canonicalFields`, `bodyOf`, `chainHash`: what chainEvents
 * computes), so every store agrees on it. Each hashed field is written as canonical
 * JSON once; the hashed body and the record (record-codec.ts) are both made of those texts.
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
  const texts = new Array<string>(events.length);
  let capacity = 0;
  let prevHash = head.hash;
  for (let i = 0; i < events.length; i++) {
    const { id, type, schemaVersion, data, meta } = events[i]!;
    const revision = head.revision + 1 + i;
    const position = firstPosition + i;
    const fields = canonicalFields({ id, type, schemaVersion, stream, revision, data, meta });
    const hash = chainHash(prevHash, flattened(bodyOf(fields)));
    recorded[i] = { id, type, schemaVersion, data, meta, stream, revision, prevHash, hash, position, recordedAt };
    const text = flattened(recordText(fields, prevHash, hash, position, recordedAtJson));
    texts[i] = text;
    capacity += FRAME_HEADER_BYTES + text.length * MAX_UTF8_BYTES_PER_UNIT;
    prevHash = hash;
  }
  // Sized for the worst case, so each text is encoded once (no separate pass to measure it).
  const bytes = Buffer.allocUnsafe(capacity);
  const lengths = new Array<number>(events.length);
  let at = 0;
  for (let i = 0; i < events.length; i++) {
    const length = bytes.write(texts[i]!, at + FRAME_HEADER_BYTES, 'utf8');
    bytes.writeUInt32LE(length, at);
    bytes.writeUInt32LE(frameChecksum(bytes, at, length), at + 4);
    lengths[i] = FRAME_HEADER_BYTES + length;
    at += lengths[i]!;
  }
  return { events: recorded, bytes: bytes.subarray(0, at), lengths };
}
