import { chainHash, hashedBody, type NewEvent, type RecordedEvent } from '@dotscience/core';
import { FRAME_HEADER_BYTES, frameChecksum } from './record-frame.js';

/** The frames of one append, back to back in one buffer, and each frame's length. */
export interface EncodedRecords {
  events: RecordedEvent[];
  bytes: Buffer;
  lengths: number[];
}

/**
 * Seal `events` onto a stream head and encode them as framed JSON records in one
 * buffer. The chain is core's (`hashedBody`, `chainHash`: what chainEvents computes),
 * so every store agrees on it. A record's JSON is the hashed body — the canonical JSON
 * the hash was computed over — with the store's fields spliced in before its closing
 * brace, so each event is serialised once, not once for the hash and again for the record.
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
  const bodies = new Array<string>(events.length);
  const tails = new Array<string>(events.length);
  let capacity = 0;
  let prevHash = head.hash;
  for (let i = 0; i < events.length; i++) {
    const { id, type, schemaVersion, data, meta } = events[i]!;
    const revision = head.revision + 1 + i;
    const position = firstPosition + i;
    const body = hashedBody({ id, type, schemaVersion, stream, revision, data, meta });
    const hash = chainHash(prevHash, body);
    recorded[i] = { id, type, schemaVersion, data, meta, stream, revision, prevHash, hash, position, recordedAt };
    bodies[i] = body;
    // Replaces the body's closing brace.
    tails[i] = `,"prevHash":${JSON.stringify(prevHash)},"hash":${JSON.stringify(hash)},"position":${position},"recordedAt":${recordedAtJson}}`;
    capacity += FRAME_HEADER_BYTES + Buffer.byteLength(body, 'utf8') - 1 + Buffer.byteLength(tails[i]!, 'utf8');
    prevHash = hash;
  }
  const bytes = Buffer.allocUnsafe(capacity);
  const lengths = new Array<number>(events.length);
  let at = 0;
  for (let i = 0; i < events.length; i++) {
    const bodyBytes = bytes.write(bodies[i]!, at + FRAME_HEADER_BYTES, 'utf8');
    const length = bodyBytes - 1 + bytes.write(tails[i]!, at + FRAME_HEADER_BYTES + bodyBytes - 1, 'utf8');
    bytes.writeUInt32LE(length, at);
    bytes.writeUInt32LE(frameChecksum(bytes, at, length), at + 4);
    lengths[i] = FRAME_HEADER_BYTES + length;
    at += lengths[i]!;
  }
  return { events: recorded, bytes, lengths };
}
