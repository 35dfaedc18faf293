import * as fs from 'node:fs';
import { type FileContent } from '@dotscience/core';
import { buildVersion, hashContent, fileSystemTree, filesOf, scanTree } from '@dotscience/core/store-kit';

/** A version's totals (regular files only, as the DataStore port counts) and, when hashed, its digest. */
export interface WalkedVersion {
  kind: 'file' | 'directory';
  bytes: number;
  files: number;
  digest?: string;
}

const fileContent = (path: string): Promise<FileContent> => hashContent(fs.createReadStream(path, { highWaterMark: 1 << 20 }));

/** A read-only clone of a snapshot as core's scan reads it (metadata only; file bytes are read by `fileContent`). */
const snapshotTree = fileSystemTree(fs, () => new Promise((resolve) => setImmediate(resolve)));

/**
 * Walk the version at `path` (inside a read-only clone of its snapshot) by
 * core's scan rules: special files and names or link targets that are not
 * UTF-8 are refused, errors naming the path as `shownAs` (where the user's data
 * is). Without `hash` only metadata is read (cost grows with the number of
 * entries, never with their bytes); with `hash` the digest follows core's
 * manifest rule exactly as every other DataStore computes it.
 */
export async function walkVersion(path: string, hash: boolean, shownAs: string): Promise<WalkedVersion> {
  const { node } = await scanTree(snapshotTree, path, { shownRoot: shownAs });
  if (!hash) {
    return node.type === 'file' ? { kind: 'file', bytes: node.size, files: 1 } : { kind: 'directory', bytes: node.bytes, files: node.files };
  }
  const files = filesOf(node);
  const contents = new Map<(typeof files)[number], FileContent>();
  for (const file of files) contents.set(file, await fileContent(file.path));
  const { kind, bytes, files: count, digest } = await buildVersion(node, { contentOf: (file) => contents.get(file)! });
  return { kind, bytes, files: count, digest };
}
