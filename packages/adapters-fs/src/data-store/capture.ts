import type { CaptureOptions, CaptureProgress, VersionRef } from '@dotscience/core';
import { ManifestWriter } from './manifest-writer.js';
import { ingestFiles, type IngestTally } from './ingestion.js';
import type { HashPool } from './hash-pool.js';
import type { ObjectStore } from './object-store.js';
import { StatCache } from './stat-cache.js';
import { scanTree, type ScannedFile, type ScannedNode } from './tree-scan.js';

export interface CaptureContext {
  kind: string;
  directory: string;
  objects: ObjectStore;
  pool: HashPool;
  useWorkers: boolean | undefined;
  /** Adds what the capture read and stored to the store's counters. */
  count: (tally: IngestTally) => void;
}

function filesOf(node: ScannedNode, out: ScannedFile[]): ScannedFile[] {
  if (node.type === 'file') out.push(node);
  else if (node.type === 'directory') for (const child of node.children) filesOf(child, out);
  return out;
}

/**
 * Capture `path`: scan it, take unchanged files' digests from the stat cache,
 * ingest the rest (one read each: hash + copy), store the Merkle manifests and
 * return the version. Objects are durable before the version is returned.
 */
export async function captureTree(ctx: CaptureContext, path: string, options: CaptureOptions = {}): Promise<VersionRef> {
  const { root, node } = await scanTree(path);
  const cache = await StatCache.load(ctx.directory, root);
  const files = filesOf(node, []);
  const digests = new Map<ScannedFile, { hex: string; bytes: number }>();
  const toRead: ScannedFile[] = [];
  for (const file of files) {
    const hex = cache.lookup(file.rel, file.fingerprint);
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

  const requests = toRead.map((f) => ({ path: f.abs, size: f.size }));
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
    if (result.bytes === file.size) cache.record(file.rel, file.fingerprint, result.hex, file.racilyFresh);
  });
  if (newPrefixes.size > 0) await ctx.objects.syncFanOuts(newPrefixes);

  let ref: VersionRef;
  if (node.type === 'file') {
    const { hex, bytes } = digests.get(node)!;
    ref = { store: ctx.kind, kind: 'file', digest: `sha256:${hex}`, bytes, files: 1 };
  } else if (node.type === 'directory') {
    const writer = new ManifestWriter(ctx.objects, cache, digests);
    const built = await writer.directory(node);
    if (writer.stored.length > 0) await ctx.objects.syncFanOuts(writer.stored.map((hex) => hex.slice(0, 2)));
    ctx.count({ filesRead: 0, bytesRead: 0, objectsStored: writer.stored.length });
    ref = { store: ctx.kind, kind: 'directory', digest: built.entry.digest, bytes: built.entry.size, files: built.files };
  } else {
    throw new Error(`unreachable: scanTree resolved the root ${root} to a symlink`);
  }
  await cache.save();
  return ref;
}
