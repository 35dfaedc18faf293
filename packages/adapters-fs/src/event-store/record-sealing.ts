/**
 * The second half of sealing an append: chaining the hashes and writing the frames.
 * The first half (record-batch.ts) writes, on the main thread, each event's hashed body
 * (core's `bodyOf`) as UTF-8, and notes where its data and id texts end and which
 * "shape" (meta, schema version, stream and type texts) it has. A record holds the same
 * texts as the body but in another order, without the keys, with meta in its record form
 * (record-meta.ts) and with what only the chain and the log decide (record-codec.ts:
 * `[data,id,meta,revision,schemaVersion,stream,type,"prevHash","hash",position,recordedAt]`).
 * So this half chains the hashes and copies each record together from its body's bytes:
 * it needs nothing else, and can run on a worker thread (record-worker.ts) while the
 * main thread writes the next events' bodies. Encoding each text to UTF-8 once (into the
 * body) instead of twice is what the split is for: the main thread is the bottleneck.
 */

/**
 * The texts a record holds that its body does not, per shape (a run of events with the
 * same meta, schema version, stream and type texts; an append usually has one).
 */
export interface RecordShape {
  /** `,${meta's record form},`: what a record holds between the id and the revision. */
  afterId: string;
  /** The UTF-8 bytes of `afterId`. */
  afterIdBytes: number;
  /** `,${schemaVersion},${stream},${type},"`: what a record holds between the revision and the prevHash's digits. */
  afterRevision: string;
  /** The UTF-8 bytes of `afterRevision`. */
  afterRevisionBytes: number;
  /** The UTF-8 bytes of the canonical meta text in the body (between `"meta":` and `,"revision":`). */
  metaBytes: number;
  /** The UTF-8 bytes of the body after the revision: `,"schemaVersion":…,"stream":…,"type":…}`. */
  tailBytes: number;
}

/** Numbers per event in `SealJob.ends`: body end, data end, id end, shape. */
export const SEAL_JOB_STRIDE = 4;

/** One run of consecutive events of one append: their bodies as bytes, and where their fields lie. */
export interface SealJob {
  /** Per event: 64 bytes for the prevHash, then its hashed body (core's `bodyOf`) as UTF-8. */
  bodies: Uint8Array;
  /**
   * Per event, SEAL_JOB_STRIDE numbers: where its prevHash + body ends in `bodies` (the next one
   * starts there), where its data text ends (`,"id":` follows), where its id text ends (`,"meta":`
   * follows), and its shape (an index into `shapes`). One array, not four: a single-event append
   * allocates it too.
   */
  ends: Uint32Array;
  shapes: RecordShape[];
  /** The first event's global position (the next ones follow it). */
  firstPosition: number;
  /** The JSON text of the append's recordedAt. */
  recordedAtJson: string;
  /** The hash the first event chains onto; null: the last hash the worker sealed before this job. */
  prevHash: string | null;
}

/** The finished frames (record-frame.ts), back to back, and each event's hash (64 hex digits each, back to back). */
export interface SealedRecords {
  frames: Uint8Array;
  hashes: string;
}

/** What sealing calls, passed in so the function needs nothing from its module. */
export interface SealingFunctions {
  /** node:crypto's one-shot `hash`. */
  hash: (algorithm: string, data: Uint8Array, encoding: 'hex') => string;
  /** node:zlib's `crc32`. */
  crc32: (data: Uint8Array, value?: number) => number;
  /** The CRC-32 of a frame's length field (record-frame.ts: `lengthChecksum`); zlib's crc32 continues it over the payload. */
  lengthChecksum: (length: number) => number;
  /** Allocates the frames' buffer: pooled on the main thread, an ArrayBuffer of its own on the worker (it moves back). */
  allocate: (size: number) => Buffer;
}

/**
 * Chain and frame the records of `job` onto its prevHash (else `prevHash`): for each event
 * hash = sha256(prevHash ‖ body) (core's chain), then its record copied together from the
 * body's texts, the shape's texts, the hashes, its position and recordedAt, framed as
 * `u32 LE length | u32 LE crc32(length ‖ payload) | payload`. Each body is checked to hold
 * its keys where the job says its fields end, so a miscounted byte fails the job rather than
 * writing a wrong record.
 *
 * This function is also the worker's source (`toString`): it must refer to nothing
 * outside itself but its parameters and globals (Buffer), and declare no named inner
 * functions.
 */
export function sealRecords(fns: SealingFunctions, job: SealJob, prevHash: string): SealedRecords {
  const ends = job.ends;
  const count = ends.length / 4; // SEAL_JOB_STRIDE (this function may refer to nothing outside itself)
  const bodiesEnd = count === 0 ? 0 : ends[4 * (count - 1)]!;
  // A frame: header (8) + `[` data `,` id afterId revision afterRevision `"` prevHash(64) `","` hash(64) `",` position recordedAt.
  const recordedAtText = `,${job.recordedAtJson}]`;
  const recordedAtBytes = Buffer.byteLength(recordedAtText);
  let size = 0;
  let bodyStart = 0;
  let positionDigits = String(job.firstPosition).length;
  let nextDigit = 10 ** positionDigits; // the first position with one digit more
  for (let i = 0; i < count; i++) {
    const shape = ends[4 * i + 3]!;
    const revisionStart = ends[4 * i + 2]! + 8 + job.shapes[shape]!.metaBytes + 12;
    const revisionEnd = ends[4 * i]! - job.shapes[shape]!.tailBytes;
    const dataBytes = ends[4 * i + 1]! - (bodyStart + 72);
    const idBytes = ends[4 * i + 2]! - (ends[4 * i + 1]! + 6);
    size += 8 + 1 + dataBytes + 1 + idBytes + job.shapes[shape]!.afterIdBytes + (revisionEnd - revisionStart) + job.shapes[shape]!.afterRevisionBytes;
    if (job.firstPosition + i >= nextDigit) {
      positionDigits++;
      nextDigit *= 10;
    }
    size += 64 + 3 + 64 + 2 + positionDigits + recordedAtBytes;
    bodyStart = ends[4 * i]!;
  }
  // One buffer holds the frames, then a copy of the bodies, then the shapes' and recordedAt's texts, so that each
  // field is copied into its record by copyWithin (memmove, no call into Buffer and no view made per field).
  let textBytes = recordedAtBytes;
  for (const shape of job.shapes) textBytes += shape.afterIdBytes + shape.afterRevisionBytes;
  const out = fns.allocate(size + bodiesEnd + textBytes);
  // Views of parts of `out` for hashing and checksums are made on a plain Uint8Array (V8's subarray, not Buffer's).
  const bytes = new Uint8Array(out.buffer, out.byteOffset, out.length);
  const B = size; // where the bodies' copy starts
  out.set(job.bodies.subarray(0, bodiesEnd), B);
  let textsAt = B + bodiesEnd;
  const afterIdAt: number[] = [];
  const afterRevisionAt: number[] = [];
  for (let k = 0; k < job.shapes.length; k++) {
    afterIdAt.push(textsAt);
    textsAt += out.write(job.shapes[k]!.afterId, textsAt, 'utf8');
    afterRevisionAt.push(textsAt);
    textsAt += out.write(job.shapes[k]!.afterRevision, textsAt, 'utf8');
  }
  const recordedAtAt = textsAt;
  out.write(recordedAtText, textsAt, 'utf8');
  let chained = job.prevHash ?? prevHash;
  let hashes = '';
  let at = 0;
  let chainedAt = -1; // where the last hash's digits are in `out` (none yet)
  bodyStart = 0;
  for (let i = 0; i < count; i++) {
    const bodyEnd = ends[4 * i]!;
    const dataEnd = ends[4 * i + 1]!;
    const idEnd = ends[4 * i + 2]!;
    const shape = ends[4 * i + 3]!;
    const metaEnd = idEnd + 8 + job.shapes[shape]!.metaBytes;
    const revisionEnd = bodyEnd - job.shapes[shape]!.tailBytes;
    // Each field must end where a key starts (its first letters and its `":`), and the body with `}`.
    const d = B + dataEnd;
    const m = B + idEnd;
    const r = B + metaEnd;
    const v = B + revisionEnd;
    const keysHeld =
      bodyStart + 72 <= dataEnd &&
      dataEnd + 6 <= idEnd &&
      idEnd + 8 <= metaEnd &&
      metaEnd + 12 < revisionEnd &&
      out[B + bodyEnd - 1] === 125 &&
      out[B + bodyStart + 64] === 123 &&
      out[B + bodyStart + 66] === 100 &&
      out[B + bodyStart + 70] === 34 &&
      out[B + bodyStart + 71] === 58 && // {"data":
      out[d] === 44 &&
      out[d + 2] === 105 &&
      out[d + 3] === 100 &&
      out[d + 4] === 34 &&
      out[d + 5] === 58 && // ,"id":
      out[m] === 44 &&
      out[m + 2] === 109 &&
      out[m + 5] === 97 &&
      out[m + 6] === 34 &&
      out[m + 7] === 58 && // ,"meta":
      out[r] === 44 &&
      out[r + 2] === 114 &&
      out[r + 9] === 110 &&
      out[r + 10] === 34 &&
      out[r + 11] === 58 && // ,"revision":
      out[v] === 44 &&
      out[v + 2] === 115 &&
      out[v + 8] === 86 &&
      out[v + 15] === 34 &&
      out[v + 16] === 58; // ,"schemaVersion":
    if (!keysHeld) throw new Error(`internal: the body of event ${i} of a seal job does not hold its keys where the job says its fields end`);
    if (chainedAt < 0) out.write(chained, B + bodyStart, 64, 'latin1');
    else out.copyWithin(B + bodyStart, chainedAt, chainedAt + 64);
    const hash = fns.hash('sha256', bytes.subarray(B + bodyStart, B + bodyEnd), 'hex');
    const frameStart = at;
    at += 8;
    out[at++] = 91; // [
    out.copyWithin(at, B + bodyStart + 72, B + dataEnd);
    at += dataEnd - bodyStart - 72;
    out[at++] = 44; // ,
    out.copyWithin(at, B + dataEnd + 6, B + idEnd);
    at += idEnd - dataEnd - 6;
    out.copyWithin(at, afterIdAt[shape]!, afterIdAt[shape]! + job.shapes[shape]!.afterIdBytes);
    at += job.shapes[shape]!.afterIdBytes;
    out.copyWithin(at, B + metaEnd + 12, B + revisionEnd);
    at += revisionEnd - metaEnd - 12;
    out.copyWithin(at, afterRevisionAt[shape]!, afterRevisionAt[shape]! + job.shapes[shape]!.afterRevisionBytes);
    at += job.shapes[shape]!.afterRevisionBytes;
    out.copyWithin(at, B + bodyStart, B + bodyStart + 64); // prevHash, as in the body
    at += 64;
    out[at++] = 34; // "
    out[at++] = 44; // ,
    out[at++] = 34; // "
    chainedAt = at;
    at += out.write(hash, at, 64, 'latin1');
    out[at++] = 34; // "
    out[at++] = 44; // ,
    const position = String(job.firstPosition + i);
    for (let k = 0; k < position.length; k++) out[at++] = position.charCodeAt(k);
    out.copyWithin(at, recordedAtAt, recordedAtAt + recordedAtBytes);
    at += recordedAtBytes;
    const length = at - frameStart - 8;
    out.writeUInt32LE(length, frameStart);
    out.writeUInt32LE(fns.crc32(bytes.subarray(frameStart + 8, at), fns.lengthChecksum(length)), frameStart + 4);
    hashes += hash;
    chained = hash;
    bodyStart = bodyEnd;
  }
  if (at !== size) throw new Error(`internal: a seal job's frames took ${at} bytes, ${size} were counted`);
  return { frames: out.subarray(0, at), hashes };
}
