import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { makeManifest, manifestDigest, sha256Digest, type ManifestEntry } from '../../data/manifest.js';
import type { DataTree } from '../data-workspace.js';

/** What a capture of `path` must report, computed here from the files themselves. */
export interface ExpectedVersion {
  kind: 'file' | 'directory';
  digest: string;
  bytes: number;
  files: number;
}

const PERMISSION_BITS = 0o7777;
export const hexSha256 = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');

/**
 * The version of `path` by the rules of the `DataStore` port: a file is the sha256 of
 * its bytes; a directory is `manifestDigest` of its entries (symlinks by target text,
 * never followed; a sub-directory's size is the bytes of the files below it).
 */
export async function expectedVersionOf(path: string): Promise<ExpectedVersion> {
  if ((await fsp.stat(path)).isFile()) {
    const bytes = await fsp.readFile(path);
    return { kind: 'file', digest: `sha256:${hexSha256(bytes)}`, bytes: bytes.length, files: 1 };
  }
  const entries: ManifestEntry[] = [];
  let bytes = 0;
  let files = 0;
  for (const name of await fsp.readdir(path)) {
    const child = join(path, name);
    const stat = await fsp.lstat(child);
    const mode = stat.mode & PERMISSION_BITS;
    if (stat.isSymbolicLink()) {
      const target = await fsp.readlink(child, 'utf8');
      entries.push({ name, type: 'symlink', mode, size: Buffer.byteLength(target, 'utf8'), digest: sha256Digest(target), target });
    } else if (stat.isDirectory()) {
      const sub = await expectedVersionOf(child);
      entries.push({ name, type: 'directory', mode, size: sub.bytes, digest: sub.digest });
      bytes += sub.bytes;
      files += sub.files;
    } else {
      const content = await fsp.readFile(child);
      entries.push({ name, type: 'file', mode, size: content.length, digest: sha256Digest(content) });
      bytes += content.length;
      files += 1;
    }
  }
  return { kind: 'directory', digest: manifestDigest(makeManifest(entries)), bytes, files };
}

/** Every kind of entry a data tree can hold. */
export const VARIED_TREE: DataTree = {
  'train.csv': 'x,y\n1,2\n3,4\n',
  'bin/fit.sh': { bytes: '#!/bin/sh\nexit 0\n', mode: 0o755 },
  'private.key': { bytes: 'not for others', mode: 0o600 },
  'empty.txt': '',
  'nested/deeper/deepest/leaf.bin': Uint8Array.from({ length: 256 }, (_, i) => i),
  'nested/up-link': { link: '../train.csv' },
  'empty-dir': { dir: true },
  'read-only/notes.txt': { bytes: 'keep', mode: 0o444 },
  'read-only': { dir: true, mode: 0o555 },
  'link-to-train': { link: 'train.csv' },
  'dangling-link': { link: 'no/such/file' },
  'with space.txt': 'spaces in the name',
  'données/日本語 ✓.txt': 'unicode in the names',
};
