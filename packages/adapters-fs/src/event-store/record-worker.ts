import { Worker } from 'node:worker_threads';
import { sealRecords, type SealedRecords, type SealJob } from './record-sealing.js';
import { verifiedFramesEnd } from './record-verifying.js';
import { MAX_PAYLOAD_BYTES } from './record-frame.js';

/** The worker: `sealRecords`, `verifiedFramesEnd` and a message loop; jobs are done one at a time, in the order sent. */
export const RECORD_WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { hash } = require('node:crypto');
const { crc32 } = require('node:zlib');
const sealRecords = (${sealRecords.toString()});
const verifiedFramesEnd = (${verifiedFramesEnd.toString()});
const fns = { hash, crc32 };
let last = '';
parentPort.on('message', ({ id, job, verify }) => {
  try {
    if (verify) {
      const end = verifiedFramesEnd(crc32, verify.bytes, verify.length, ${MAX_PAYLOAD_BYTES});
      parentPort.postMessage({ id, verified: { bytes: verify.bytes, end } }, [verify.bytes.buffer]);
      return;
    }
    const sealed = sealRecords(fns, job, last);
    last = sealed.hashes.slice(-64);
    parentPort.postMessage({ id, sealed }, [sealed.frames.buffer]);
  } catch (err) {
    last = '';
    parentPort.postMessage({ id, error: String((err && err.stack) || err) });
  }
});
`;

/** A chunk's bytes back from the worker, and where its verified frames end. */
export interface VerifiedChunk {
  bytes: Uint8Array;
  end: number;
}

interface Reply {
  id: number;
  sealed?: SealedRecords;
  verified?: VerifiedChunk;
  error?: string;
}

/**
 * One worker thread for the event store's byte-heavy work that needs no state of the
 * store: sealing records (record-sealing.ts) for the writer, so the main thread can write
 * the next events' texts meanwhile, and checking a read chunk's frames (record-verifying.ts)
 * for a replay, so the main thread can decode the chunk before meanwhile. It starts on
 * first use, keeps the process alive only while it has work, and is stopped by `close`.
 * When it fails (a job answered with an error, or the worker exits), every job it holds is
 * rejected and it is not used again: callers do the work on their own thread instead,
 * which gives the same result.
 */
export class RecordWorker {
  private worker: Worker | undefined;
  private failed = false;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();

  /** `source`: the worker's code (tests give one that fails). */
  constructor(private readonly source: string = RECORD_WORKER_SOURCE) {}

  /** False once the worker has failed: work on the caller's thread. */
  get usable(): boolean {
    return !this.failed;
  }

  /** Seal `job`; a job whose prevHash is null chains onto the last job this worker sealed. */
  async seal(job: SealJob): Promise<SealedRecords> {
    // The byte buffers move to the worker (no copy) and come back sealed.
    const reply = await this.send({ job }, [job.bodies.buffer as ArrayBuffer, job.frames.buffer as ArrayBuffer]);
    return reply.sealed!;
  }

  /**
   * Check the frames in `bytes[0, length)`. `bytes` must own its whole ArrayBuffer: it moves to
   * the worker and comes back in the answer (when this rejects, its memory is gone).
   */
  async verify(bytes: Uint8Array, length: number): Promise<VerifiedChunk> {
    const reply = await this.send({ verify: { bytes, length } }, [bytes.buffer as ArrayBuffer]);
    return reply.verified!;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.failed = true;
    this.rejectAll(new Error('the record worker was closed'));
    await worker?.terminate();
  }

  private send(message: object, transfer: ArrayBuffer[]): Promise<Reply> {
    const worker = this.started();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.waiting.size === 0) worker.ref();
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, ...message }, transfer);
    });
  }

  private started(): Worker {
    if (this.failed) throw new Error('the record worker has failed');
    if (this.worker) return this.worker;
    const worker = new Worker(this.source, { eval: true });
    worker.unref();
    worker.on('message', (reply: Reply) => this.answer(reply));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new Error(`the record worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private answer(reply: Reply): void {
    const waiter = this.waiting.get(reply.id);
    if (!waiter) return;
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) this.worker?.unref();
    if (reply.sealed || reply.verified) waiter.resolve(reply);
    else {
      waiter.reject(new Error(`the record worker failed: ${reply.error}`));
      this.fail(new Error(`the record worker failed: ${reply.error}`));
    }
  }

  private fail(error: Error): void {
    if (this.failed && !this.worker) return;
    this.failed = true;
    const worker = this.worker;
    this.worker = undefined;
    this.rejectAll(error);
    void worker?.terminate();
  }

  private rejectAll(error: Error): void {
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}
