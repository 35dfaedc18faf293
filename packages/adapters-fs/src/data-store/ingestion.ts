import * as fs from 'node:fs';
import { createHash } from 'node:crypto';
import { ingestBatch, type IngestJob, type IngestOutcome } from './content-ingest.js';
import { HashPool, INGEST_CHUNK_BYTES } from './hash-pool.js';
import type { ObjectStore } from './object-store.js';
import { DataReadError, DataStoreFullError } from './data-store-errors.js';

/** The worker pool pays for its start-up and messaging above either threshold. */
export const POOL_MIN_BYTES = 32 << 20;
export const POOL_MIN_FILES = 256;
const BATCH_MAX_FILES = 64;
const BATCH_MAX_BYTES = 8 << 20;

export interface IngestRequest {
  path: string;
  size: number;
}

/** How the work went: what the counters (`FsDataStore.stats`) add up. */
export interface IngestTally {
  filesRead: number;
  bytesRead: number;
  objectsStored: number;
}

export interface IngestOptions {
  /** Force the worker pool on (true) or off (false); default: when it pays. */
  useWorkers?: boolean;
  /** Called as bytes are read and files complete (deltas). */
  onProgress: (bytes: number, files: number) => void;
}

function batchesOf(jobs: IngestJob[], sizes: number[]): IngestJob[][] {
  const batches: IngestJob[][] = [];
  let current: IngestJob[] = [];
  let bytes = 0;
  jobs.forEach((job, i) => {
    if (current.length > 0 && (current.length >= BATCH_MAX_FILES || bytes + sizes[i]! > BATCH_MAX_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(job);
    bytes += sizes[i]!;
  });
  if (current.length > 0) batches.push(current);
  return batches;
}

export function poolPays(requests: readonly IngestRequest[]): boolean {
  const bytes = requests.reduce((sum, r) => sum + r.size, 0);
  return bytes >= POOL_MIN_BYTES || requests.length >= POOL_MIN_FILES;
}

/**
 * Read each file once, hashing it and copying it into the object store in the
 * same pass — on every core when that pays, else in this thread. Returns each
 * file's hex digest and length read (in request order) plus the prefixes of new objects.
 * With `objects` absent, files are only hashed (verify).
 */
export async function ingestFiles(
  requests: readonly IngestRequest[],
  objects: ObjectStore | undefined,
  pool: HashPool,
  options: IngestOptions,
): Promise<{ results: { hex: string; bytes: number }[]; newPrefixes: Set<string>; tally: IngestTally }> {
  const jobs: IngestJob[] = requests.map((r) =>
    objects ? { source: r.path, objectsDir: objects.objectsDir, tempPath: objects.tempPath() } : { source: r.path },
  );
  const useWorkers = (options.useWorkers ?? poolPays(requests)) && pool.size > 1 && jobs.length > 0;
  let outcomes: IngestOutcome[];
  if (useWorkers) {
    const batches = batchesOf(
      jobs,
      requests.map((r) => r.size),
    );
    outcomes = (await pool.run(batches, options.onProgress)).flat();
  } else {
    outcomes = await ingestBatch(fs, createHash, jobs, Buffer.allocUnsafe(INGEST_CHUNK_BYTES), options.onProgress);
  }
  const tally: IngestTally = { filesRead: 0, bytesRead: 0, objectsStored: 0 };
  const newPrefixes = new Set<string>();
  const results = outcomes.map((outcome, i) => {
    if (!outcome.ok) {
      if (outcome.code === 'ENOSPC') throw new DataStoreFullError(objects?.directory ?? '(none)', requests[i]!.path);
      const reason = outcome.code === 'ELOOP' ? 'it was replaced by a symlink during capture' : `${outcome.code ?? 'error'}: ${outcome.message}`;
      throw new DataReadError(requests[i]!.path, reason);
    }
    tally.filesRead += 1;
    tally.bytesRead += outcome.value.bytes;
    if (outcome.value.stored) {
      tally.objectsStored += 1;
      newPrefixes.add(outcome.value.hex.slice(0, 2));
    }
    return { hex: outcome.value.hex, bytes: outcome.value.bytes };
  });
  return { results, newPrefixes, tally };
}
