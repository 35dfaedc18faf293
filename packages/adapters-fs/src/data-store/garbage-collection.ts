import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { VersionRef } from '@dotscience/core';
import type { ObjectStore } from './object-store.js';
import { StatCache } from './stat-cache.js';
import { loadTree, objectsOf, refHex } from './version-tree.js';

export interface GcResult {
  /** Objects kept because a referenced version reaches them. */
  objectsKept: number;
  objectsRemoved: number;
  bytesFreed: number;
  /** Temp files left by interrupted captures, removed. */
  tempFilesRemoved: number;
}

export interface GcOptions {
  /** Temp files younger than this are left alone (a capture may be writing them). Default one hour. */
  tempGraceMs?: number;
  /** Count what would be removed (objects, bytes, stale temp files) and remove nothing. */
  dryRun?: boolean;
}

/**
 * Mark every object reachable from `referenced` (walking manifests), then sweep
 * the rest. A referenced directory version whose manifests cannot be read stops
 * gc before anything is deleted (a DataVersionNotFoundError naming it): what it
 * reaches is unknown, so nothing is safe to delete. Must not run while another
 * process captures into the same store.
 */
export async function collectGarbage(objects: ObjectStore, directory: string, referenced: Iterable<VersionRef>, options: GcOptions = {}): Promise<GcResult> {
  const live = new Set<string>();
  for (const ref of referenced) {
    const hex = refHex(ref);
    if (ref.kind === 'file') live.add(hex);
    else objectsOf(await loadTree(objects, hex), live);
  }
  const result: GcResult = { objectsKept: 0, objectsRemoved: 0, bytesFreed: 0, tempFilesRemoved: 0 };
  const removed = new Set<string>();
  for await (const hex of objects.list()) {
    if (live.has(hex)) {
      result.objectsKept += 1;
      continue;
    }
    const size = (await objects.size(hex)) ?? 0;
    if (!options.dryRun) await objects.remove(hex);
    removed.add(hex);
    result.objectsRemoved += 1;
    result.bytesFreed += size;
  }
  if (!options.dryRun) await StatCache.forget(directory, removed);
  result.tempFilesRemoved = await removeStaleTemps(objects.tempDir, options.tempGraceMs ?? 3_600_000, options.dryRun ?? false);
  return result;
}

async function removeStaleTemps(tempDir: string, graceMs: number, dryRun: boolean): Promise<number> {
  const cutoff = Date.now() - graceMs;
  let removed = 0;
  for (const name of await fsp.readdir(tempDir).catch(() => [] as string[])) {
    const path = join(tempDir, name);
    const stat = await fsp.lstat(path).catch(() => undefined);
    if (stat && stat.mtimeMs < cutoff) {
      if (!dryRun) await fsp.rm(path, { recursive: true, force: true });
      removed += 1;
    }
  }
  return removed;
}
