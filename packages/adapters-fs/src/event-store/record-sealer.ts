import { Worker } from 'node:worker_threads';
import { sealRecords, type SealedRecords, type SealJob } from './record-sealing.js';

/** The worker: `sealRecords` and a message loop; jobs are sealed one at a time, in the order sent. */
export const SEALER_WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { hash } = require('node:crypto');
const { crc32 } = require('node:zlib');
const sealRecords = (${sealRecords.toString()});
const fns = { hash, crc32 };
let last = '';
parentPort.on('message', ({ id, job }) => {
  try {
    const sealed = sealRecords(fns, job, last);
    last = sealed.hashes.slice(-64);
    parentPort.postMessage({ id, sealed }, [sealed.frames.buffer]);
  } catch (err) {
    last = '';
    parentPort.postMessage({ id, error: String((err && err.stack) || err) });
  }
});
`;

interface Reply {
  id: number;
  sealed?: SealedRecords;
  error?: string;
}

/**
 * One worker thread that seals records (record-sealing.ts) for the event store's writer,
 * so the main thread can write the next events' texts meanwhile. It starts on first
 * use, keeps the process alive only while it has work, and is stopped by `close`.
 * When it fails (a job answered with an error, or the worker exits), every job it holds is rejected and it is not used again:
 * the caller seals on its own thread instead, which gives the same bytes.
 */
export class RecordSealer {
  private worker: Worker | undefined;
  private failed = false;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (sealed: SealedRecords) => void; reject: (error: Error) => void }>();

  /** `source`: the worker's code (tests give one that fails). */
  constructor(private readonly source: string = SEALER_WORKER_SOURCE) {}

  /** False once the worker has failed: seal on the caller's thread. */
  get usable(): boolean {
    return !this.failed;
  }

  /** Seal `job`; a job whose prevHash is null chains onto the last job this sealer sealed. */
  seal(job: SealJob): Promise<SealedRecords> {
    const worker = this.started();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.waiting.size === 0) worker.ref();
      this.waiting.set(id, { resolve, reject });
      // The byte buffers move to the worker (no copy) and come back sealed.
      worker.postMessage({ id, job }, [job.bodies.buffer as ArrayBuffer, job.frames.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.failed = true;
    this.rejectAll(new Error('the record sealer was closed'));
    await worker?.terminate();
  }

  private started(): Worker {
    if (this.failed) throw new Error('the record sealer has failed');
    if (this.worker) return this.worker;
    const worker = new Worker(this.source, { eval: true });
    worker.unref();
    worker.on('message', (reply: Reply) => this.answer(reply));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new Error(`the record sealer's worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private answer(reply: Reply): void {
    const waiter = this.waiting.get(reply.id);
    if (!waiter) return;
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) this.worker?.unref();
    if (reply.sealed) waiter.resolve(reply.sealed);
    else {
      waiter.reject(new Error(`the record sealer's worker failed: ${reply.error}`));
      this.fail(new Error(`the record sealer's worker failed: ${reply.error}`));
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
