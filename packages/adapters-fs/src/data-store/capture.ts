import type { CaptureOptions, CaptureProgress, ManifestEntry, VersionRef } from '@dotscience/core';
import { makeManifest, manifestDigest, sha256Digest } from '@dotscience/core';
import { ingestFiles, type IngestTally } from './ingestion.js';
import type { HashPool } from './hash-pool.js';
import { hexOf, type ObjectStore } from './object-store.js';
import { StatCache } from './stat-cache.js';
import { scanTree, type ScannedDirectory, type ScannedFile, type ScannedNode } from './tree-scan.js';

export interface CaptureContext {
  kind: string;
  directory: string;
  objects: ObjectStore;
  pool: HashPool;
  useWorkers: boolean | undefined;
  /** Adds what the capture read and stored to the store's counters. */
  count: (tally: IngestTally) => void;
}

interface Built {
  entry: Omit<ManifestEntry, 'name'>;
  files: number;
}

function filesOf(node: ScannedNode, out: ScannedFile[]): ScannedFile[] {
  if (node.type === 'file') out.push(node);
  else if (node.type === 'directory') for (const child of node.children) filesOf(child, out);
  return out;
}

/** Store each directory's manifest bottom-up; the root manifest's digest is the version. */
async function buildDirectory(dir: ScannedDirectory, digests: Map<ScannedFile, { hex: string; bytes: number }>, objects: ObjectStore, newManifests: string[]): Promise<Built> {
  const built = await Promise.all(
    dir.children.map(async (child): Promise<ManifestEntry & { files: number }> => {
      if (child.type === 'file') {
        const { hex, bytes } = digests.get(child)!;
        return { name: child.name, type: 'file', mode: child.mode, size: bytes, digest: `sha256:${hex}`, files: 1 };
      }
      if (child.type === 'symlink') {
        const size = Buffer.byteLength(child.target, 'utf8');
        return { name: child.name, type: 'symlink', mode: child.mode, size, digest: sha256Digest(child.target), target: child.target, files: 0 };
      }
      const sub = await buildDirectory(child, digests, objects, newManifests);
      return { name: child.name, ...sub.entry, files: sub.files } as ManifestEntry & { files: number };
    }),
  );
  const manifest = makeManifest(built.map(({ files: _files, ...entry }) => entry));
  const digest = manifestDigest(manifest);
  const { stored } = await objects.putManifest(manifest);
  if (stored) newManifests.push(hexOf(digest));
  return {
    entry: { type: 'directory', mode: dir.mode, size: built.reduce((s, e) => s + e.size, 0), digest },
    files: built.reduce((s, e) => s + e.files, 0),
  };
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
    const hex = cache.lookup(file.rel, file.stat);
    if (hex !== undefined) digests.set(file, { hex, bytes: Number(file.stat.size) });
    else toRead.push(file);
  }

  const progress: CaptureProgress = {
    filesTotal: files.length,
    bytesTotal: files.reduce((s, f) => s + Number(f.stat.size), 0),
    filesDone: files.length - toRead.length,
    bytesDone: 0,
  };
  progress.bytesDone = progress.bytesTotal - toRead.reduce((s, f) => s + Number(f.stat.size), 0);
  const report = (): void => options.onProgress?.({ ...progress });
  report();

  const requests = toRead.map((f) => ({ path: f.abs, size: Number(f.stat.size) }));
  const { results, newPrefixes, tally } = await ingestFiles(requests, ctx.objects, ctx.pool, {
    useWorkers: ctx.useWorkers,
    onBytes: (n) => {
      progress.bytesDone += n;
      report();
    },
    onFiles: (n) => {
      progress.filesDone += n;
      report();
    },
  });
  ctx.count(tally);
  toRead.forEach((file, i) => {
    const result = results[i]!;
    digests.set(file, result);
    if (BigInt(result.bytes) === file.stat.size) cache.record(file.rel, file.stat, result.hex, file.statAtNs);
  });
  if (newPrefixes.size > 0) await ctx.objects.syncFanOuts(newPrefixes);

  let ref: VersionRef;
  if (node.type === 'file') {
    const { hex, bytes } = digests.get(node)!;
    ref = { store: ctx.kind, kind: 'file', digest: `sha256:${hex}`, bytes, files: 1 };
  } else if (node.type === 'directory') {
    const newManifests: string[] = [];
    const built = await buildDirectory(node, digests, ctx.objects, newManifests);
    if (newManifests.length > 0) await ctx.objects.syncFanOuts(newManifests.map((hex) => hex.slice(0, 2)));
    ctx.count({ filesRead: 0, bytesRead: 0, objectsStored: newManifests.length });
    ref = { store: ctx.kind, kind: 'directory', digest: built.entry.digest, bytes: built.entry.size, files: built.files };
  } else {
    throw new Error(`unreachable: scanTree resolved the root ${root} to a symlink`);
  }
  cache.retain(new Set(files.map((f) => f.rel)));
  await cache.save();
  return ref;
}
