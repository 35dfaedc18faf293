import { hash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { NewEvent, RecordedEvent } from '@dotscience/core';
import { batchCanonicalFields, bodyOf, takeDataTextVouch, type CanonicalFields } from '@dotscience/core/store-kit';
import { FRAME_HEADER_BYTES, lengthChecksum } from './record-frame.js';
import { metaRecordText } from './record-meta.js';
import type { RecordWorker } from './record-worker.js';
import { sealRecords, SEAL_JOB_STRIDE, type RecordShape, type SealedRecords, type SealingFunctions, type SealJob } from './record-sealing.js';

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

const ON_THIS_THREAD: SealingFunctions = { hash, crc32, lengthChecksum, allocate: Buffer.allocUnsafe };
/** Events per job sent to the sealer: small enough that the last job's wait is short, large enough that messages stay few. */
export const SEAL_JOB_EVENTS = 128;
/**
 * Events in an append's last job (when it has more): this thread waits for the last job alone,
 * so it is made small, the one before it taking up the rest (32 events: ~0.05 ms on the worker).
 */
export const LAST_SEAL_JOB_EVENTS = 32;

/** Where the job starting at `from` of `count` events ends. */
export function sealJobEnd(from: number, count: number): number {
  const left = count - from;
  if (left > SEAL_JOB_EVENTS + LAST_SEAL_JOB_EVENTS) return from + SEAL_JOB_EVENTS;
  return left > LAST_SEAL_JOB_EVENTS ? count - LAST_SEAL_JOB_EVENTS : count;
}

/**
 * Seal `events` onto a stream head and encode them as framed records in one buffer,
 * all on this thread. The chain is core's (`batchCanonicalFields`, `bodyOf`: what
 * chainEvents computes), so every store agrees on it. `dataTextIsCanonical`: whether
 * parseNewEvents vouched for the events' data texts (`takeDataTextVouch`).
 */
export function sealAndEncode(
  stream: string,
  head: StreamHead,
  events: readonly NewEvent[],
  firstPosition: number,
  recordedAt: string,
  dataTextIsCanonical = takeDataTextVouch(events),
): EncodedRecords {
  const canonical: BatchTexts = { stream, dataTextIsCanonical };
  const job = jobOf(canonical, head, events, 0, events.length, firstPosition, JSON.stringify(recordedAt), Buffer.allocUnsafe);
  job.prevHash = head.hash;
  return encodedRecords(stream, head, events, firstPosition, recordedAt, [sealRecords(ON_THIS_THREAD, job, head.hash)]);
}

/**
 * `sealAndEncode` with the chaining and framing done by `sealer` on its worker thread,
 * one job of SEAL_JOB_EVENTS events at a time (the last one smaller), while this thread
 * writes the next job's canonical texts. Gives the same bytes; when the sealer fails, the
 * append is sealed here instead. Only one append may be sealed this way at a time (the
 * store's turn: a job chains onto the last one the worker sealed).
 */
export async function sealAndEncodeInParallel(
  sealer: RecordWorker,
  stream: string,
  head: StreamHead,
  events: readonly NewEvent[],
  firstPosition: number,
  recordedAt: string,
): Promise<EncodedRecords> {
  const canonical: BatchTexts = { stream, dataTextIsCanonical: takeDataTextVouch(events) };
  const recordedAtJson = JSON.stringify(recordedAt);
  const jobs: Promise<SealedRecords>[] = [];
  try {
    for (let from = 0, to = 0; from < events.length && sealer.usable; from = to) {
      to = sealJobEnd(from, events.length);
      const job = jobOf(canonical, head, events, from, to, firstPosition, recordedAtJson, Buffer.allocUnsafeSlow);
      job.prevHash = from === 0 ? head.hash : null;
      const sealed = sealer.seal(job);
      sealed.catch(() => undefined); // awaited below, in order
      jobs.push(sealed);
    }
    if (sealer.usable) return encodedRecords(stream, head, events, firstPosition, recordedAt, await Promise.all(jobs));
  } catch {
    // The worker failed: below, on this thread.
  }
  return sealAndEncode(stream, head, events, firstPosition, recordedAt, canonical.dataTextIsCanonical);
}

/** What writing an append's canonical texts needs: its stream, and whether its data texts are vouched for. */
interface BatchTexts {
  stream: string;
  dataTextIsCanonical: boolean;
}

/** UTF-8 takes at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2 units). */
const MAX_UTF8_BYTES_PER_UNIT = 3;
/** A first guess at an event's body bytes (a metric event's is ~330); the buffer grows when a job needs more. */
const EXPECTED_BODY_BYTES = 448;

/**
 * How a job's buffer is allocated. Sealed on this thread: `Buffer.allocUnsafe`, which
 * slices small buffers from Buffer's shared pool (a single-event append allocating its own
 * ArrayBuffers made V8 count external memory and collect more often: the hub's p99 doubled).
 * Sealed on the worker: `Buffer.allocUnsafeSlow`, never pooled, since the whole ArrayBuffer moves.
 */
type Allocate = (size: number) => Buffer<ArrayBuffer>;

/** Events [from, to) as a seal job: each body written after a 64-byte prevHash slot, with where its fields end and its shape (prevHash to be set by the caller). */
function jobOf(
  canonical: BatchTexts,
  head: StreamHead,
  events: readonly NewEvent[],
  from: number,
  to: number,
  firstPosition: number,
  recordedAtJson: string,
  allocate: Allocate,
): SealJob {
  const count = to - from;
  let bodies = allocate(count * EXPECTED_BODY_BYTES);
  const ends = new Uint32Array(SEAL_JOB_STRIDE * count);
  const shapes: RecordShape[] = [];
  let shapeTexts: CanonicalFields | undefined;
  let shape: RecordShape | undefined;
  let at = 0;
  const texts = batchCanonicalFields(canonical.stream, events, head.revision + 1, { from, to, dataTextIsCanonical: canonical.dataTextIsCanonical });
  for (let k = 0; k < count; k++) {
    const fields = texts[k]!;
    const meta = events[from + k]!.meta;
    // batchCanonicalFields hands out the same meta, schema version and type texts while they stay equal.
    if (shape === undefined || fields.meta !== shapeTexts!.meta || fields.schemaVersion !== shapeTexts!.schemaVersion || fields.type !== shapeTexts!.type) {
      shape = shapeFor(fields, meta);
      shapeTexts = fields;
      shapes.push(shape);
    }
    const e = SEAL_JOB_STRIDE * k;
    ends[e + 3] = shapes.length - 1;
    const body = bodyOf(fields);
    // Room for the worst case, so the body is encoded once (no pass to measure it first).
    const room = at + 64 + body.length * MAX_UTF8_BYTES_PER_UNIT;
    if (room > bodies.length) bodies = grown(allocate, bodies, at, room + (count - k - 1) * EXPECTED_BODY_BYTES);
    at += 64;
    at += bodies.write(body, at, 'utf8');
    ends[e] = at;
    // The body ends `,"id":` id `,"meta":` meta `,"revision":` revision tail: all but data counted here.
    const idBytes = utf8Bytes(fields.id);
    const dataEnd = at - (6 + idBytes + 8 + shape.metaBytes + 12 + utf8Bytes(fields.revision) + shape.tailBytes);
    ends[e + 1] = dataEnd;
    ends[e + 2] = dataEnd + 6 + idBytes;
  }
  return { bodies, ends, shapes, firstPosition: firstPosition + from, recordedAtJson, prevHash: null };
}

/** The record texts of events with `fields`' meta, schema version, stream and type texts. */
function shapeFor(fields: CanonicalFields, meta: unknown): RecordShape {
  // Consecutive appends (a run's) usually have the same shape: the last one is kept, with its byte counts.
  const last = lastShape;
  if (last && fields.meta === last.meta && fields.schemaVersion === last.schemaVersion && fields.stream === last.stream && fields.type === last.type)
    return last.shape;
  const afterId = `,${metaRecordText(meta, fields.meta)},`;
  const afterRevision = `,${fields.schemaVersion},${fields.stream},${fields.type},"`;
  const shape: RecordShape = {
    afterId,
    afterIdBytes: utf8Bytes(afterId),
    afterRevision,
    afterRevisionBytes: utf8Bytes(afterRevision),
    metaBytes: utf8Bytes(fields.meta),
    tailBytes: utf8Bytes(`,"schemaVersion":${fields.schemaVersion},"stream":${fields.stream},"type":${fields.type}}`),
  };
  lastShape = { meta: fields.meta, schemaVersion: fields.schemaVersion, stream: fields.stream, type: fields.type, shape };
  return shape;
}

/** The last shape made, and the canonical texts it was made from (which decide it: meta's record form follows from its canonical text). */
let lastShape: { meta: string; schemaVersion: string; stream: string; type: string; shape: RecordShape } | undefined;

/** UTF-8 bytes of `text`, counted here when it is ASCII (an id, a revision: short texts, where a call into Buffer costs more). */
function utf8Bytes(text: string): number {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return Buffer.byteLength(text);
  return text.length;
}

/** A buffer of at least `size` bytes (at least twice the old one) holding the old one's first `used` bytes. */
function grown(allocate: Allocate, bytes: Buffer, used: number, size: number): Buffer<ArrayBuffer> {
  const bigger = allocate(Math.max(size, bytes.length * 2));
  bytes.copy(bigger, 0, 0, used);
  return bigger;
}

/** The recorded events and their frames, from the sealed jobs (in order). */
function encodedRecords(
  stream: string,
  head: StreamHead,
  events: readonly NewEvent[],
  firstPosition: number,
  recordedAt: string,
  sealed: readonly SealedRecords[],
): EncodedRecords {
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
