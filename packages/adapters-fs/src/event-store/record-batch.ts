import { hash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { BatchCanonicalFields, bodyOf, type NewEvent, type RecordedEvent } from '@dotscience/core';
import { recordHead } from './record-codec.js';
import { FRAME_HEADER_BYTES, lengthChecksum } from './record-frame.js';
import { metaRecordText } from './record-meta.js';
import type { RecordWorker } from './record-worker.js';
import { sealRecords, type SealedRecords, type SealingFunctions, type SealJob } from './record-sealing.js';

/** The frames of one append, back to back in one or more buffers (in order: one per seal job), and each frame's length. */
export interface EncodedRecords {
  events: RecordedEvent[];
  chunks: Buffer[];
  lengths: number[];
}

export interface StreamHead {
  revision: number;
  hash: string;
}

const ON_THIS_THREAD: SealingFunctions = { hash, crc32 };
/** Events per job sent to the sealer: small enough that the last job's wait is short, large enough that messages stay few. */
export const SEAL_JOB_EVENTS = 128;

/**
 * Seal `events` onto a stream head and encode them as framed records in one buffer,
 * all on this thread. The chain is core's (`BatchCanonicalFields`, `bodyOf`: what
 * chainEvents computes), so every store agrees on it.
 */
export function sealAndEncode(stream: string, head: StreamHead, events: readonly NewEvent[], firstPosition: number, recordedAt: string): EncodedRecords {
  const canonical = new BatchCanonicalFields(stream);
  const job = jobOf(canonical, head, events, 0, events.length, firstPosition, JSON.stringify(recordedAt), Buffer.allocUnsafe);
  job.prevHash = head.hash;
  return encodedRecords(stream, head, events, firstPosition, recordedAt, [sealRecords(ON_THIS_THREAD, job, head.hash)]);
}

/**
 * `sealAndEncode` with the chaining and framing done by `sealer` on its worker thread,
 * one job of SEAL_JOB_EVENTS events at a time, while this thread writes the next job's
 * canonical texts. Gives the same bytes; when the sealer fails, the append is sealed
 * here instead. Only one append may be sealed this way at a time (the store's turn).
 */
export async function sealAndEncodeInParallel(
  sealer: RecordWorker,
  stream: string,
  head: StreamHead,
  events: readonly NewEvent[],
  firstPosition: number,
  recordedAt: string,
): Promise<EncodedRecords> {
  const canonical = new BatchCanonicalFields(stream);
  const recordedAtJson = JSON.stringify(recordedAt);
  const jobs: Promise<SealedRecords>[] = [];
  try {
    for (let from = 0; from < events.length && sealer.usable; from += SEAL_JOB_EVENTS) {
      const job = jobOf(canonical, head, events, from, Math.min(events.length, from + SEAL_JOB_EVENTS), firstPosition, recordedAtJson, Buffer.allocUnsafeSlow);
      job.prevHash = from === 0 ? head.hash : null;
      const sealed = sealer.seal(job);
      sealed.catch(() => undefined); // awaited below, in order
      jobs.push(sealed);
    }
    if (sealer.usable) return encodedRecords(stream, head, events, firstPosition, recordedAt, await Promise.all(jobs));
  } catch {
    // The worker failed: below, on this thread.
  }
  return sealAndEncode(stream, head, events, firstPosition, recordedAt);
}

/** Two 64-byte hash slots as the record holds them, `"prevHash","hash",`, to be filled in by sealing. */
const HASH_SLOTS = `"${'0'.repeat(64)}","${'0'.repeat(64)}",`;
/** UTF-8 takes at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2 units). */
const MAX_UTF8_BYTES_PER_UNIT = 3;
/** First guesses at an event's bytes (a metric event's record is ~530 bytes, its body ~330); the buffers grow when a job needs more. */
const EXPECTED_FRAME_BYTES = 640;
const EXPECTED_BODY_BYTES = 448;

/** Events [from, to) as a seal job: bodies and frames written, slots and checksums left to sealing (prevHash to be set by the caller). */
/**
 * How a job's buffers are allocated. Sealed on this thread: `Buffer.allocUnsafe`, which
 * slices small buffers from Buffer's shared pool (a single-event append allocating its own
 * ArrayBuffers made V8 count external memory and collect more often: the hub's p99 doubled).
 * Sealed on the worker: `Buffer.allocUnsafeSlow`, never pooled, since the whole ArrayBuffer moves.
 */
type Allocate = (size: number) => Buffer<ArrayBuffer>;

function jobOf(canonical: BatchCanonicalFields, head: StreamHead, events: readonly NewEvent[], from: number, to: number, firstPosition: number, recordedAtJson: string, allocate: Allocate): SealJob {
  const count = to - from;
  // A record's end is ASCII (hex slots, digits) but for recordedAt (an ISO timestamp, ASCII too unless a clock says otherwise).
  const recordedAtExtraBytes = Buffer.byteLength(recordedAtJson) - recordedAtJson.length;
  let bodies = allocate(count * EXPECTED_BODY_BYTES);
  let frames = allocate(count * EXPECTED_FRAME_BYTES);
  const bodyEnds = new Uint32Array(count);
  const frameEnds = new Uint32Array(count);
  const slots = new Uint32Array(count);
  let bodyAt = 0;
  let frameAt = 0;
  for (let k = 0; k < count; k++) {
    const i = from + k;
    const { id, type, schemaVersion, data, meta } = events[i]!;
    const fields = canonical.of({ id, type, schemaVersion, revision: head.revision + 1 + i, data, meta });
    const body = bodyOf(fields);
    const recordStart = recordHead(fields, metaRecordText(meta, fields.meta));
    const recordEnd = `${HASH_SLOTS}${firstPosition + i},${recordedAtJson}]`;
    // Room for the worst case, so each text is encoded once (no pass to measure it first).
    const bodyRoom = bodyAt + 64 + body.length * MAX_UTF8_BYTES_PER_UNIT;
    if (bodyRoom > bodies.length) bodies = grown(allocate, bodies, bodyAt, bodyRoom + (count - k - 1) * EXPECTED_BODY_BYTES);
    bodyAt += 64;
    bodyAt += bodies.write(body, bodyAt, 'utf8');
    bodyEnds[k] = bodyAt;
    const frameRoom = frameAt + FRAME_HEADER_BYTES + (recordStart.length + recordEnd.length) * MAX_UTF8_BYTES_PER_UNIT;
    if (frameRoom > frames.length) frames = grown(allocate, frames, frameAt, frameRoom + (count - k - 1) * EXPECTED_FRAME_BYTES);
    // One encoding call for the whole record: the slots are found from its end.
    const length = frames.write(recordStart + recordEnd, frameAt + FRAME_HEADER_BYTES, 'utf8');
    slots[k] = frameAt + FRAME_HEADER_BYTES + length - (recordEnd.length + recordedAtExtraBytes) + 1;
    frames.writeUInt32LE(length, frameAt);
    frames.writeUInt32LE(lengthChecksum(length), frameAt + 4);
    frameAt += FRAME_HEADER_BYTES + length;
    frameEnds[k] = frameAt;
  }
  return { bodies, bodyEnds, frames, frameEnds, slots, prevHash: null };
}

/** A buffer of at least `size` bytes (at least twice the old one) holding the old one's first `used` bytes. */
function grown(allocate: Allocate, bytes: Buffer, used: number, size: number): Buffer<ArrayBuffer> {
  const bigger = allocate(Math.max(size, bytes.length * 2));
  bytes.copy(bigger, 0, 0, used);
  return bigger;
}

/** The recorded events and their frames, from the sealed jobs (in order). */
function encodedRecords(stream: string, head: StreamHead, events: readonly NewEvent[], firstPosition: number, recordedAt: string, sealed: readonly SealedRecords[]): EncodedRecords {
  const recorded = new Array<RecordedEvent>(events.length);
  const lengths = new Array<number>(events.length);
  let prevHash = head.hash;
  const chunks = sealed.map((s) => Buffer.from(s.frames.buffer, s.frames.byteOffset, s.frames.byteLength));
  let i = 0;
  for (let j = 0; j < sealed.length; j++) {
    const job = sealed[j]!;
    const frames = chunks[j]!;
    for (let at = 0, k = 0; at < frames.length; k++, i++) {
      const { id, type, schemaVersion, data, meta } = events[i]!;
      const hash = job.hashes.slice(64 * k, 64 * k + 64);
      recorded[i] = { id, type, schemaVersion, data, meta, stream, revision: head.revision + 1 + i, prevHash, hash, position: firstPosition + i, recordedAt };
      lengths[i] = FRAME_HEADER_BYTES + frames.readUInt32LE(at);
      at += lengths[i]!;
      prevHash = hash;
    }
  }
  if (i !== events.length) throw new Error(`internal: sealed ${i} records for ${events.length} events`);
  return { events: recorded, chunks, lengths };
}
