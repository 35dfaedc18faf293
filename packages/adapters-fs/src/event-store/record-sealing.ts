/**
 * The second half of sealing an append: chaining the hashes and finishing the frames.
 * The first half (record-batch.ts) writes, on the main thread, each event's hashed body
 * and its whole framed record as UTF-8, leaving slots for what only the chain decides:
 * prevHash and hash (64 hex digits each) and the frame's checksum. This half needs
 * nothing else, so it can run on a worker thread (record-worker.ts) while the main
 * thread writes the next events.
 */

/** One run of consecutive events of one append, as bytes. */
export interface SealJob {
  /** Per event: 64 bytes for the prevHash, then its hashed body (core's `bodyOf`) as UTF-8. */
  bodies: Uint8Array;
  /** Where each event's prevHash + body ends in `bodies` (the next one starts there). */
  bodyEnds: Uint32Array;
  /**
   * The framed records (record-frame.ts), back to back: each length field written, each
   * checksum field holding the checksum of the length alone (to be continued over the
   * payload), and in each payload 64-byte slots for prevHash and hash (record-codec.ts:
   * `…type,"prevHash","hash",position,recordedAt]`).
   */
  frames: Uint8Array;
  /** Where each frame ends in `frames`. */
  frameEnds: Uint32Array;
  /** Where each frame's prevHash slot is in `frames`; its hash slot starts 67 bytes later (after `","`). */
  slots: Uint32Array;
  /** The hash the first event chains onto; null: the last hash the worker sealed before this job. */
  prevHash: string | null;
}

/** The finished frames (the job's `frames`, up to the last frame's end) and each event's hash (64 hex digits each, back to back). */
export interface SealedRecords {
  frames: Uint8Array;
  hashes: string;
}

/** What sealing calls: node:crypto's one-shot `hash` and node:zlib's `crc32`, passed in so the function needs nothing from its module. */
export interface SealingFunctions {
  hash: (algorithm: string, data: Uint8Array, encoding: 'hex') => string;
  crc32: (data: Uint8Array, value?: number) => number;
}

/**
 * Chain and finish the records of `job` onto its prevHash (else `prevHash`): for each
 * event hash = sha256(prevHash ‖ body) (core's chain), both written into the record's
 * slots, then the frame's checksum continued over the payload. Works in place.
 *
 * This function is also the worker's source (`toString`): it must refer to nothing
 * outside itself but its parameters and globals (Buffer), and declare no named inner
 * functions.
 */
export function sealRecords(fns: SealingFunctions, job: SealJob, prevHash: string): SealedRecords {
  const bodies = Buffer.from(job.bodies.buffer, job.bodies.byteOffset, job.bodies.byteLength);
  const frames = Buffer.from(job.frames.buffer, job.frames.byteOffset, job.frames.byteLength);
  let chained = job.prevHash ?? prevHash;
  let hashes = '';
  let bodyStart = 0;
  let frameStart = 0;
  for (let i = 0; i < job.frameEnds.length; i++) {
    bodies.write(chained, bodyStart, 64, 'latin1');
    const hash = fns.hash('sha256', bodies.subarray(bodyStart, job.bodyEnds[i]), 'hex');
    const slot = job.slots[i]!;
    frames.write(chained, slot, 64, 'latin1');
    frames.write(hash, slot + 67, 64, 'latin1');
    const frameEnd = job.frameEnds[i]!;
    frames.writeUInt32LE(fns.crc32(frames.subarray(frameStart + 8, frameEnd), frames.readUInt32LE(frameStart + 4)), frameStart + 4);
    hashes += hash;
    chained = hash;
    bodyStart = job.bodyEnds[i]!;
    frameStart = frameEnd;
  }
  return { frames: frames.subarray(0, frameStart), hashes };
}
