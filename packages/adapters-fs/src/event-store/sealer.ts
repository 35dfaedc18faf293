import type { NewEvent } from '@dotscience/core';
import { sealAndEncode, sealAndEncodeInParallel, type EncodedRecords, type StreamHead } from './record-batch.js';
import type { RecordWorker } from './record-worker.js';

/**
 * Sealing an append: its events chained onto the stream's head (core's hash chain) and
 * encoded as the framed records the log holds, positions from `firstPosition` on. Every
 * sealer gives the same bytes for the same events; they differ in where the work is done.
 */
export interface Sealer {
  /** The sealed records: at once (sealed on this thread), or a promise (sealed elsewhere, this thread free meanwhile). */
  seal(stream: string, head: StreamHead, events: readonly NewEvent[], firstPosition: number, recordedAt: string): EncodedRecords | Promise<EncodedRecords>;
}

/** Seals on this thread, at once: the right choice for small appends (a message to a worker costs more than their hashing). */
export class InThreadSealer implements Sealer {
  seal(stream: string, head: StreamHead, events: readonly NewEvent[], firstPosition: number, recordedAt: string): EncodedRecords {
    return sealAndEncode(stream, head, events, firstPosition, recordedAt);
  }
}

/**
 * Seals large appends with the record worker chaining and framing one job while this
 * thread writes the next job's texts (record-batch.ts); the worker's failure is the in-thread
 * sealer's work instead. `takes` says whether an append is worth it: large enough, and the
 * worker running (it starts on first need; until then appends are sealed on this thread
 * rather than wait for it).
 */
export class WorkerSealer implements Sealer {
  constructor(
    private readonly worker: RecordWorker,
    /** The fewest events worth sealing on the worker; 0: never. */
    private readonly fromEvents: number,
  ) {}

  takes(events: number): boolean {
    return this.fromEvents > 0 && events >= this.fromEvents && this.worker.ready();
  }

  seal(stream: string, head: StreamHead, events: readonly NewEvent[], firstPosition: number, recordedAt: string): Promise<EncodedRecords> {
    return sealAndEncodeInParallel(this.worker, stream, head, events, firstPosition, recordedAt);
  }
}
