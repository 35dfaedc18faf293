import { type CaptureOptions, type CaptureProgress, type VersionRef } from '@dotscience/core';
import { buildVersion, filesOf } from '@dotscience/core/store-kit';
import { ManifestWriter } from './manifest-writer.js';
import { ingestFiles, type IngestTally } from './ingestion.js';
import type { HashPool } from './hash-pool.js';
import type { ObjectStore } from './object-store.js';
import { StatCache } from './stat-cache.js';
import { scanTree, type FsScannedFile } from './tree-scan.js';

export interface CaptureContext {
  kind: string;
  directory: string;
  objects: ObjectStore;
  pool: HashPool;
  useWorkers: boolean | undefined;
  /** Adds what the capture read and stored to the store's counters. */
  count: (tally: IngestTally) => void;
}

/**
 * Capture `path`: scan it, take unchanged files' digests from the stat cache,
 * ingest the rest (one read each: hash + copy), store the Merkle manifests and
 * return the version. Objects are durable before the version is returned.
 */
export async function captureTree(ctx: CaptureContext, path: string, options: CaptureOptions = {}): Promise<VersionRef> {
  const { root, node } = await scanTree(path);
  const cache = await StatCache.load(ctx.directory, root);
  const files = filesOf(node);
  const digests = new Map<FsScannedFile, { hex: string; bytes: number }>();
  const toRead: FsScannedFile[] = [];
  for (const file of files) {
    const hex = cache.lookup(file.rel, file.detail.fingerprint);
    if (hex !== undefined) digests.set(file, { hex, bytes: file.size });
    else toRead.push(file);
  }

  const progress: CaptureProgress = {
    filesTotal: files.length,
    bytesTotal: files.reduce((s, f) => s + f.size, 0),
    filesDone: files.length - toRead.length,
    bytesDone: 0,
  };
  progress.bytesDone = progress.bytesTotal - toRead.reduce((s, f) => s + f.size, 0);
  const report = (): void => options.onProgress?.({ ...progress });
  report();

  const requests = toRead.map((f) => ({ path: f.path, size: f.size }));
  const { results, newPrefixes, tally } = await ingestFiles(requests, ctx.objects, ctx.pool, {
    useWorkers: ctx.useWorkers,
    onProgress: (bytes, files) => {
      progress.bytesDone += bytes;
      progress.filesDone += files;
      report();
    },
  });
  ctx.count(tally);
  toRead.forEach((file, i) => {
    const result = results[i]!;
    digests.set(file, result);
    if (result.bytes === file.size) cache.record(file.rel, file.detail.fingerprint, result.hex, file.detail.racilyFresh);
  });
  if (newPrefixes.size > 0) await ctx.objects.syncFanOuts(newPrefixes);

  const writer = new ManifestWriter(ctx.objects, cache);
  const built = await buildVersion(node, {
    contentOf: (file) => {
      const { hex, bytes } = digests.get(file)!;
      return { digest: `sha256:${hex}`, size: bytes };
    },
    sealDirectory: (dir, manifest) => writer.seal(dir, manifest),
  });
  if (writer.stored.length > 0) {
    await ctx.objects.syncFanOuts(writer.stored.map((hex) => hex.slice(0, 2)));
    ctx.count({ filesRead: 0, bytesRead: 0, objectsStored: writer.stored.length });
  }
  const ref: VersionRef = { store: ctx.kind, ...built };
  await cache.save();
  return ref;
}
