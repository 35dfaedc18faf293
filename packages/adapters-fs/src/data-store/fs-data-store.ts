import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { MaterializeOptionsSchema, parseInput, VersionRefSchema } from '@dotscience/core';
import type { CaptureOptions, CaptureProgress, DataStore, MaterializeOptions, ObjectStorage, StoredObject, VersionRef, VersionStat } from '@dotscience/core';
import { captureTree } from './capture.js';
import { DataVersionNotFoundError } from './data-store-errors.js';
import { collectGarbage, type GcOptions, type GcResult } from './garbage-collection.js';
import { HashPool } from './hash-pool.js';
import type { IngestTally } from './ingestion.js';
import { materializeVersion } from './materialize.js';
import { ObjectStore } from './object-store.js';
import { openObject, receiveObject } from './object-transfer.js';
import { verifyObjects, type VerifyResult } from './object-verification.js';
import { fileCount, loadComplete, refHex, totalBytes } from './version-tree.js';

export interface FsDataStoreOptions {
  /** The store directory (objects, stat cache and temp files live under it), e.g. `./.dotscience/data`. */
  directory: string;
  /** Hash worker threads; default: one per core. 1 means hashing stays in this thread. */
  workers?: number;
  /** Force the worker pool on or off; default: used when a capture is big enough for it to pay. */
  useWorkers?: boolean;
}

/** Counters of content actually read and stored — how tests and benchmarks see the stat cache work. */
export interface FsDataStoreStats {
  /** Files whose content was read (hashed) by capture. */
  filesRead: number;
  bytesRead: number;
  /** Objects added to the store (not already there). */
  objectsStored: number;
}

const OptionsSchema = z.object({
  directory: z.string().min(1),
  workers: z.number().int().positive().optional(),
  useWorkers: z.boolean().optional(),
});
const ObjectDigestSchema = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256:<64 lowercase hex digits>');
const objectHex = (digest: string): string => parseInput(ObjectDigestSchema, digest, 'object digest').slice('sha256:'.length);
const PathSchema = z.string().min(1, 'must be a non-empty path');
const CaptureOptionsSchema = z
  .object({
    onProgress: z.custom<(progress: CaptureProgress) => void>((v) => typeof v === 'function', 'must be a function').optional(),
    label: z.string().optional(),
  })
  .optional();

/**
 * The embedded default DataStore: content-addressed sha256 objects under a
 * directory, directories as Merkle manifests (their digest is the version), a
 * stat cache so unchanged files are never re-read, hashing on every core when it
 * pays, and copy-on-write materialization where the file system offers it.
 */
export class FsDataStore implements DataStore, ObjectStorage {
  readonly kind = 'fs';
  readonly stats: FsDataStoreStats = { filesRead: 0, bytesRead: 0, objectsStored: 0 };
  readonly directory: string;
  private readonly objects: ObjectStore;
  private readonly pool: HashPool;
  private readonly useWorkers: boolean | undefined;
  private opened: Promise<void> | undefined;

  constructor(options: FsDataStoreOptions) {
    const parsed = parseInput(OptionsSchema, options, 'fs data store options');
    this.directory = resolve(parsed.directory);
    this.objects = new ObjectStore(this.directory);
    this.pool = new HashPool(parsed.workers ?? availableParallelism());
    this.useWorkers = parsed.useWorkers;
  }

  async capture(path: string, options?: CaptureOptions): Promise<VersionRef> {
    const target = parseInput(PathSchema, path, 'capture path');
    parseInput(CaptureOptionsSchema, options, 'capture options');
    await this.open();
    return captureTree(
      {
        kind: this.kind,
        directory: this.directory,
        objects: this.objects,
        pool: this.pool,
        useWorkers: this.useWorkers,
        count: (tally: IngestTally) => {
          this.stats.filesRead += tally.filesRead;
          this.stats.bytesRead += tally.bytesRead;
          this.stats.objectsStored += tally.objectsStored;
        },
      },
      resolve(target),
      options,
    );
  }

  async materialize(ref: VersionRef, targetPath: string, options: MaterializeOptions = {}): Promise<void> {
    const version = parseInput(VersionRefSchema, ref, 'version ref');
    const target = parseInput(PathSchema, targetPath, 'materialize target');
    await this.open();
    await materializeVersion(this.objects, version, target, parseInput(MaterializeOptionsSchema, options, 'materialize options'));
  }

  /** True when every object the version needs is here (so materialize will succeed). */
  async has(ref: VersionRef): Promise<boolean> {
    return (await this.stat(ref)) !== undefined;
  }

  async stat(ref: VersionRef): Promise<VersionStat | undefined> {
    const version = parseInput(VersionRefSchema, ref, 'version ref');
    await this.open();
    try {
      const loaded = await loadComplete(this.objects, version);
      if ('manifest' in loaded) return { kind: 'directory', bytes: totalBytes(loaded), files: fileCount(loaded) };
      return { kind: 'file', bytes: loaded.size, files: 1 };
    } catch (error) {
      if (error instanceof DataVersionNotFoundError) return undefined;
      throw error;
    }
  }

  async digestOf(ref: VersionRef): Promise<string> {
    const version = parseInput(VersionRefSchema, ref, 'version ref');
    return `sha256:${refHex(version)}`;
  }

  /** Delete every object no version in `referenced` reaches; returns counts and bytes freed. */
  async gc(referenced: Iterable<VersionRef>, options?: GcOptions): Promise<GcResult> {
    const refs = [...referenced].map((ref, i) => parseInput(VersionRefSchema, ref, `referenced version #${i}`));
    await this.open();
    return collectGarbage(this.objects, this.directory, refs, options);
  }

  /** Rehash every object; corrupt ones are reported by digest and path. */
  async verify(): Promise<VerifyResult> {
    await this.open();
    return verifyObjects(this.objects, this.pool, this.useWorkers);
  }

  /** Object-level access for replication (hub uploads, push/pull): `digest` is `sha256:<hex>`. */
  async hasObject(digest: string): Promise<boolean> {
    await this.open();
    return this.objects.has(objectHex(digest));
  }

  /** The stored object's bytes as a stream (with its size), or undefined when absent. */
  async readObject(digest: string): Promise<StoredObject | undefined> {
    await this.open();
    return openObject(this.objects, objectHex(digest));
  }

  /** Store an object from a stream, verified against `digest` before it is published; false when it was already here. */
  async writeObject(digest: string, content: AsyncIterable<Uint8Array>): Promise<boolean> {
    await this.open();
    return receiveObject(this.objects, objectHex(digest), content);
  }

  /** Stop the hash workers (they never keep the process alive, but tests and servers may want them gone). */
  async close(): Promise<void> {
    await this.pool.close();
  }

  private open(): Promise<void> {
    this.opened ??= this.objects.open().catch((error: unknown) => {
      this.opened = undefined;
      throw error;
    });
    return this.opened;
  }
}
