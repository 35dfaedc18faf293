import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { ingestBatch, type IngestJob, type IngestOutcome } from './content-ingest.js';

/** Chunk size of one read: large enough to amortise syscalls, small enough to stream. */
export const INGEST_CHUNK_BYTES = 1 << 20;
const PROGRESS_EVERY_BYTES = 8 << 20;
const PROGRESS_EVERY_FILES = 16;

/** Source of each hash worker: `ingestBatch` plus a message loop; one batch of jobs per message, one at a time. */
const workerSource = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const { createHash } = require('node:crypto');
const ingestBatch = (${ingestBatch.toString()});
const chunk = Buffer.allocUnsafe(${INGEST_CHUNK_BYTES});
parentPort.on('message', async ({ id, jobs }) => {
  let bytes = 0;
  let files = 0;
  const onProgress = (n, f) => {
    bytes += n;
    files += f;
    if (bytes >= ${PROGRESS_EVERY_BYTES} || files >= ${PROGRESS_EVERY_FILES}) { parentPort.postMessage({ id, bytes, files }); bytes = 0; files = 0; }
  };
  const results = await ingestBatch(fs, createHash, jobs, chunk, onProgress);
  parentPort.postMessage({ id, bytes, files, results });
});
`;

interface WorkerReply {
  id: number;
  bytes: number;
  files: number;
  results?: IngestOutcome[];
}

/**
 * Hashes (and ingests) files on every core with worker threads. Workers start on
 * first use, are reused across captures and do not keep the process alive.
 */
export class HashPool {
  private readonly workers: (Worker | undefined)[] = [];
  private nextId = 0;

  constructor(readonly size: number = availableParallelism()) {}

  /** Run all batches, one per free worker; results come back in batch order. */
  async run(batches: readonly IngestJob[][], onProgress: (bytes: number, files: number) => void): Promise<IngestOutcome[][]> {
    const results: IngestOutcome[][] = new Array(batches.length);
    let next = 0;
    const lanes = Math.max(1, Math.min(this.size, batches.length));
    const drain = async (worker: Worker): Promise<void> => {
      while (next < batches.length) {
        const index = next++;
        results[index] = await this.send(worker, batches[index]!, onProgress);
      }
    };
    await Promise.all(Array.from({ length: lanes }, (_, i) => drain(this.worker(i))));
    return results;
  }

  /** Stop every worker (the store's `close`). */
  async close(): Promise<void> {
    const workers = this.workers.splice(0).filter((w): w is Worker => w !== undefined);
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private worker(index: number): Worker {
    let worker = this.workers[index];
    if (!worker) {
      worker = new Worker(workerSource, { eval: true });
      worker.unref();
      this.workers[index] = worker;
    }
    return worker;
  }

  private send(worker: Worker, jobs: IngestJob[], onProgress: (bytes: number, files: number) => void): Promise<IngestOutcome[]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onMessage = (reply: WorkerReply): void => {
        if (reply.id !== id) return;
        if (reply.bytes > 0 || reply.files > 0) onProgress(reply.bytes, reply.files);
        if (reply.results) {
          cleanup();
          resolve(reply.results);
        }
      };
      const onError = (error: Error): void => {
        cleanup();
        this.forget(worker);
        reject(error);
      };
      const onExit = (code: number): void => onError(new Error(`hash worker exited with code ${code} before finishing its batch`));
      const cleanup = (): void => {
        worker.unref();
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      // Referenced while it works, so a script awaiting a capture is not ended early.
      worker.ref();
      worker.postMessage({ id, jobs });
    });
  }

  private forget(worker: Worker): void {
    const index = this.workers.indexOf(worker);
    if (index !== -1) this.workers[index] = undefined;
  }
}
