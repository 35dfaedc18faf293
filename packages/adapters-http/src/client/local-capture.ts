import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { DataPathNotFoundError, DotscienceError, makeManifest, manifestDigest, manifestText, sha256Digest, type CaptureProgress, type ManifestEntry } from '@dotscience/core';

/** Capture met something that is not a regular file, directory or symlink. */
export class UnsupportedFileKindError extends DotscienceError {
  readonly code = 'DATA_SPECIAL_FILE';
  constructor(readonly path: string) {
    super(`cannot capture ${path}: it is not a regular file, directory or symlink — move it out of the captured tree or capture a narrower path`);
  }
}

/** Where an object's bytes come from when it is uploaded. */
export type ObjectSource = { file: string; size: number } | { text: string };

/** A captured version, hashed locally: its digest, totals, and every object it is made of. */
export interface LocalVersion {
  kind: 'file' | 'directory';
  digest: string;
  bytes: number;
  files: number;
  /** digest → where its bytes are (file contents and manifests). */
  objects: Map<string, ObjectSource>;
}

const PERMISSION_BITS = 0o7777;

interface ScannedFile {
  path: string;
  size: number;
}

interface Scan {
  files: ScannedFile[];
  bytes: number;
}

async function fileDigest(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

/** Sizes first, so progress has its totals before any content is read. */
async function scan(path: string, into: Scan): Promise<void> {
  for (const name of await fsp.readdir(path)) {
    const child = join(path, name);
    const stat = await fsp.lstat(child);
    if (stat.isDirectory()) await scan(child, into);
    else if (stat.isFile()) {
      into.files.push({ path: child, size: stat.size });
      into.bytes += stat.size;
    } else if (!stat.isSymbolicLink()) throw new UnsupportedFileKindError(child);
  }
}

/**
 * Hash a file or directory the way every DataStore does (a file: sha256 of its
 * bytes; a directory: `manifestDigest` of its Merkle manifest, symlinks by
 * target text, never followed), without copying anything: the objects are
 * named with where to read them from, for an upload of those the hub lacks.
 */
export async function captureLocally(path: string, onProgress?: (progress: CaptureProgress) => void): Promise<LocalVersion> {
  let root;
  try {
    root = await fsp.stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new DataPathNotFoundError(path);
    throw error;
  }
  const objects = new Map<string, ObjectSource>();
  if (root.isFile()) {
    const totals = { bytesTotal: root.size, filesTotal: 1 };
    onProgress?.({ bytesDone: 0, filesDone: 0, ...totals });
    const digest = await fileDigest(path);
    objects.set(digest, { file: path, size: root.size });
    onProgress?.({ bytesDone: root.size, filesDone: 1, ...totals });
    return { kind: 'file', digest, bytes: root.size, files: 1, objects };
  }
  if (!root.isDirectory()) throw new UnsupportedFileKindError(path);
  const scanned: Scan = { files: [], bytes: 0 };
  await scan(path, scanned);
  const done = { bytesDone: 0, filesDone: 0, bytesTotal: scanned.bytes, filesTotal: scanned.files.length };
  onProgress?.({ ...done });

  const walk = async (dir: string): Promise<{ digest: string; bytes: number; files: number }> => {
    const entries: ManifestEntry[] = [];
    let bytes = 0;
    let files = 0;
    for (const name of await fsp.readdir(dir)) {
      const child = join(dir, name);
      const stat = await fsp.lstat(child);
      const mode = stat.mode & PERMISSION_BITS;
      if (stat.isSymbolicLink()) {
        const target = await fsp.readlink(child, 'utf8');
        entries.push({ name, type: 'symlink', mode, size: Buffer.byteLength(target, 'utf8'), digest: sha256Digest(target), target });
      } else if (stat.isDirectory()) {
        const sub = await walk(child);
        entries.push({ name, type: 'directory', mode, size: sub.bytes, digest: sub.digest });
        bytes += sub.bytes;
        files += sub.files;
      } else if (stat.isFile()) {
        const digest = await fileDigest(child);
        objects.set(digest, { file: child, size: stat.size });
        entries.push({ name, type: 'file', mode, size: stat.size, digest });
        bytes += stat.size;
        files += 1;
        done.bytesDone = Math.min(done.bytesTotal, done.bytesDone + stat.size);
        done.filesDone = Math.min(done.filesTotal, done.filesDone + 1);
        onProgress?.({ ...done });
      } else throw new UnsupportedFileKindError(child);
    }
    const manifest = makeManifest(entries);
    const digest = manifestDigest(manifest);
    objects.set(digest, { text: manifestText(manifest) });
    return { digest, bytes, files };
  };
  const tree = await walk(path);
  if (done.bytesDone !== tree.bytes || done.filesDone !== tree.files) onProgress?.({ bytesDone: tree.bytes, bytesTotal: tree.bytes, filesDone: tree.files, filesTotal: tree.files });
  return { kind: 'directory', digest: tree.digest, bytes: tree.bytes, files: tree.files, objects };
}
