import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { makeManifest, manifestDigest, sha256Digest, type ManifestEntry } from '@dotscience/core';
import { ZfsUnsupportedPathError } from './zfs-errors.js';

/** A version's totals (regular files only, as the DataStore port counts) and, when hashed, its digest. */
export interface WalkedVersion {
  kind: 'file' | 'directory';
  bytes: number;
  files: number;
  digest?: string;
}

const PERMISSION_BITS = 0o7777;

async function fileDigest(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

async function walkDirectory(path: string, hash: boolean): Promise<WalkedVersion> {
  const entries: ManifestEntry[] = [];
  let bytes = 0;
  let files = 0;
  for (const name of await fsp.readdir(path)) {
    const child = join(path, name);
    const stat = await fsp.lstat(child);
    const mode = stat.mode & PERMISSION_BITS;
    if (stat.isSymbolicLink()) {
      if (!hash) continue;
      const target = await fsp.readlink(child, 'utf8');
      entries.push({ name, type: 'symlink', mode, size: Buffer.byteLength(target, 'utf8'), digest: sha256Digest(target), target });
    } else if (stat.isDirectory()) {
      const sub = await walkDirectory(child, hash);
      bytes += sub.bytes;
      files += sub.files;
      if (hash) entries.push({ name, type: 'directory', mode, size: sub.bytes, digest: sub.digest! });
    } else if (stat.isFile()) {
      bytes += stat.size;
      files += 1;
      if (hash) entries.push({ name, type: 'file', mode, size: stat.size, digest: await fileDigest(child) });
    } else throw new ZfsUnsupportedPathError(child);
  }
  return { kind: 'directory', bytes, files, ...(hash ? { digest: manifestDigest(makeManifest(entries)) } : {}) };
}

/**
 * Walk the version at `path` (a read-only clone of its snapshot): without
 * `hash` only metadata is read (cost grows with the number of entries, never
 * with their bytes); with `hash` the digest follows core's manifest rule
 * exactly as every other DataStore computes it.
 */
export async function walkVersion(path: string, hash: boolean): Promise<WalkedVersion> {
  const stat = await fsp.stat(path);
  if (stat.isFile()) return { kind: 'file', bytes: stat.size, files: 1, ...(hash ? { digest: await fileDigest(path) } : {}) };
  if (stat.isDirectory()) return walkDirectory(path, hash);
  throw new ZfsUnsupportedPathError(path);
}
