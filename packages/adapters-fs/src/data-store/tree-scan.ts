import { lstatSync, readdirSync, readlinkSync, realpathSync, type BigIntStats } from 'node:fs';
import { type TreeSource } from '@dotscience/core';
import { scanTree as scanTreeFrom, type ScannedDirectory, type ScannedFile, type ScannedRoot } from '@dotscience/core/store-kit';
import { DataReadError } from './data-store-errors.js';
import { isRacilyFresh, statFingerprint } from './stat-cache.js';

/** What the fs store keeps about a scanned file: its stat-cache key, and whether the cache may trust it yet. */
export interface FileStatDetail {
  /** `statFingerprint` of the file's lstat. */
  fingerprint: string;
  /** Changed so shortly before the scan that the stat cache must not trust it yet. */
  racilyFresh: boolean;
}
export type FsScannedFile = ScannedFile<FileStatDetail>;
export type FsScannedDirectory = ScannedDirectory<FileStatDetail>;

const nowNs = (): bigint => BigInt(Date.now()) * 1_000_000n;

function readFailure(path: string, error: unknown): never {
  const e = error as NodeJS.ErrnoException;
  throw new DataReadError(path, e.code ? `${e.code}: ${e.message}` : String(e));
}

/** Run a file-system call, turning its failure into a DataReadError naming `path`. */
function reading<T>(path: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    return readFailure(path, error);
  }
}

/**
 * The local file system as core's scan reads it: failures become DataReadError
 * naming the path, and each file's stat
 * fingerprint is kept as strings, not the BigIntStats (a 100k-file scan would
 * otherwise hold 100k of them).
 */
export class LocalTree implements TreeSource<BigIntStats, FileStatDetail> {
  /** Wall clock just before the entries being stat'ed were listed: what "racily fresh" is measured against. */
  private listedAtNs = nowNs();

  /** A missing path keeps Node's error (core reports DataPathNotFoundError); any other failure is a DataReadError. */
  realpath(path: string): string {
    try {
      return realpathSync.native(path);
    } catch (error) {
      if (['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
      return readFailure(path, error);
    }
  }
  realpathRaw(path: string): Uint8Array {
    return reading(path, () => realpathSync.native(path, { encoding: 'buffer' }));
  }
  list(dir: string): string[] {
    const names = reading(dir, () => readdirSync(dir));
    this.listedAtNs = nowNs();
    return names;
  }
  listRaw(dir: string): Buffer[] {
    return reading(dir, () => readdirSync(dir, { encoding: 'buffer' }));
  }
  lstat(path: string): BigIntStats {
    return reading(path, () => lstatSync(path, { bigint: true }));
  }
  readlink(path: string): string {
    return reading(path, () => readlinkSync(path, 'utf8'));
  }
  readlinkRaw(path: string): Buffer {
    return reading(path, () => readlinkSync(path, { encoding: 'buffer' }));
  }
  fileDetail(stat: BigIntStats): FileStatDetail {
    return { fingerprint: statFingerprint(stat), racilyFresh: isRacilyFresh(stat, this.listedAtNs) };
  }
  yieldToEventLoop(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }
}

/** Scan `path` by core's capture rules (see `scanTree` in core), reading the local file system. */
export function scanTree(path: string): Promise<{ root: string; node: ScannedRoot<FileStatDetail> }> {
  return scanTreeFrom(new LocalTree(), path);
}
