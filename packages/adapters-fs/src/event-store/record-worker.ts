import { Worker } from 'node:worker_threads';
import { sealRecords, type SealedRecords, type SealJob } from './record-sealing.js';
import { verifiedFramesEnd } from './record-verifying.js';
import { checksumOfLength, crcTable, MAX_PAYLOAD_BYTES } from './record-frame.js';

/** The worker: `sealRecords`, `verifiedFramesEnd`, the length checksum (record-frame.ts) and a message loop; jobs are done one at a time, in the order sent. */
export const RECORD_WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { hash } = require('node:crypto');
const { crc32 } = require('node:zlib');
const { openSync, readSync, closeSync } = require('node:fs');
const sealRecords = (${sealRecords.toString()});
const verifiedFramesEnd = (${verifiedFramesEnd.toString()});
const CRC_TABLE = (${crcTable.toString()})();
const checksumOfLength = (${checksumOfLength.toString()});
const fns = { hash, crc32, lengthChecksum: (length) => checksumOfLength(CRC_TABLE, length), allocate: Buffer.allocUnsafeSlow };
let last = '';
const readInto = ({ path, position, length, bytes }) => {
  let got = 0;
  try {
    const fd = openSync(path, 'r');
    try {
      while (got < length) {
        const n = readSync(fd, bytes, got, length - got, position + got);
        if (n === 0) break;
        got += n;
      }
    } finally {
      closeSync(fd);
    }
  } catch {
    return false; // the reader reads it again itself, and reports what is wrong
  }
  return got === length;
};
parentPort.on('message', ({ id, job, read }) => {
  try {
    if (read) {
      const complete = readInto(read);
      const end = complete ? verifiedFramesEnd(crc32, read.bytes, read.length, ${MAX_PAYLOAD_BYTES}) : 0;
      parentPort.postMessage({ id, chunk: { bytes: read.bytes, complete, end } }, [read.bytes.buffer]);
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

/** A chunk read on the worker: its bytes, whether all were read, and where its verified frames end. */
export interface CheckedChunk {
  bytes: Uint8Array;
  /** False when the file could not be read or is shorter: the reader reads it again itself, and reports what is wrong. */
  complete: boolean;
  end: number;
}

interface Reply {
  id: number;
  sealed?: SealedRecords;
  chunk?: CheckedChunk;
  error?: string;
}

/**
 * One worker thread for the event store's byte-heavy work that needs no state of the
 * store: sealing records (record-sealing.ts) for the writer, so the main thread can write
 * the next events' texts meanwhile, and reading a replay's chunks and checking their frames
 * (record-verifying.ts), so the main thread can decode the chunk before meanwhile. It starts
 * on first need (`ready`, `whenOnline`), keeps the process alive only while it has work, and
 * is stopped by `close`. When it fails (a job answered with an error, or the worker exits),
 * every job it holds is rejected and it is not used again: callers do the work on their own
 * thread instead, which gives the same result.
 */
export class RecordWorker {
  private worker: Worker | undefined;
  private failed = false;
  /** Set once the worker runs; waiting for `online` before it is, for `whenOnline`. */
  private online: Promise<boolean> | undefined;
  private isOnline = false;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();

  /** `source`: the worker's code (tests give one that fails). */
  constructor(private readonly source: string = RECORD_WORKER_SOURCE) {}

  /** False once the worker has failed: work on the caller's thread. */
  get usable(): boolean {
    return !this.failed;
  }

  /**
   * Whether work sent now would start at once: the worker is running. Starts it when it is
   * not yet (on first need; a thread takes tens of milliseconds to start), so until then the
   * caller works on its own thread rather than wait: a process's first large append would
   * otherwise hold every append beside it for the start-up.
   */
  ready(): boolean {
    if (this.failed) return false;
    if (!this.worker) this.started();
    return this.isOnline;
  }

  /** Start the worker if it is not running; resolves true once it runs, false if it failed or was closed. */
  whenOnline(): Promise<boolean> {
    if (this.failed) return Promise.resolve(false);
    this.started();
    return this.online!;
  }

  /** Seal `job`; a job whose prevHash is null chains onto the last job this worker sealed. */
  async seal(job: SealJob): Promise<SealedRecords> {
    // The bodies move to the worker (no copy); the frames come back the same way.
    const reply = await this.send({ job }, [job.bodies.buffer as ArrayBuffer]);
    return reply.sealed!;
  }

  /**
   * Read `length` bytes of the file at `path` from `position` into `bytes` and check the frames
   * in them. Both happen on the worker, so they overlap this thread's work even while it never
   * yields to the event loop (a replay hands out a chunk's events in microtasks). `bytes` must
   * own its whole ArrayBuffer: it moves to the worker and comes back in the answer (when this
   * rejects, its memory is gone).
   */
  async readChunk(path: string, position: number, length: number, bytes: Uint8Array): Promise<CheckedChunk> {
    const reply = await this.send({ read: { path, position, length, bytes } }, [bytes.buffer as ArrayBuffer]);
    return reply.chunk!;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.failed = true;
    this.isOnline = false;
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
    this.online = new Promise((resolve) => {
      worker.once('online', () => {
        this.isOnline = !this.failed;
        resolve(this.isOnline);
      });
      worker.once('exit', () => resolve(false));
    });
    worker.on('message', (reply: Reply) => this.answer(reply));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new Error(`the record worker exited with code ${code}`)));
    // After the listeners: adding a 'message' listener refs the worker again, and a worker with no job must not hold the process.
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private answer(reply: Reply): void {
    const waiter = this.waiting.get(reply.id);
    if (!waiter) return;
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) this.worker?.unref();
    if (reply.sealed || reply.chunk) waiter.resolve(reply);
    else {
      waiter.reject(new Error(`the record worker failed: ${reply.error}`));
      this.fail(new Error(`the record worker failed: ${reply.error}`));
    }
  }

  private fail(error: Error): void {
    if (this.failed && !this.worker) return;
    this.failed = true;
    this.isOnline = false;
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
