import type { VersionRef } from '../events/catalogue.js';
import type { Manifest } from './manifest.js';

/** One file (or symlink) of a data version, by its path inside the version. */
export interface VersionFile {
  path: string;
  type: 'file' | 'symlink';
  size: number;
  digest: string;
}

/**
 * Every file of a version, sorted by path, read from its Merkle manifests (a
 * directory's manifest and its sub-directories', fetched by digest through
 * `manifestOf`). A single-file version is one entry named `fileName`.
 */
export async function versionFiles(ref: VersionRef, fileName: string, manifestOf: (digest: string) => Promise<Manifest>): Promise<VersionFile[]> {
  if (ref.digest === undefined) throw new Error('the version has no digest to read its manifest by');
  if (ref.kind === 'file') return [{ path: fileName, type: 'file', size: ref.bytes, digest: ref.digest }];
  const files: VersionFile[] = [];
  const walk = async (digest: string, prefix: string): Promise<void> => {
    for (const entry of (await manifestOf(digest)).entries) {
      const path = `${prefix}${entry.name}`;
      if (entry.type === 'directory') await walk(entry.digest, `${path}/`);
      else files.push({ path, type: entry.type, size: entry.size, digest: entry.digest });
    }
  };
  await walk(ref.digest, '');
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export interface FileChange {
  path: string;
  change: 'added' | 'removed' | 'changed';
  /** Size in the first version (null when added). */
  before: number | null;
  /** Size in the second version (null when removed). */
  after: number | null;
}

/** What differs between two file lists: files added, removed, or with other content, in path order. */
export function diffVersionFiles(before: readonly VersionFile[], after: readonly VersionFile[]): FileChange[] {
  const old = new Map(before.map((f) => [f.path, f]));
  const changes: FileChange[] = [];
  for (const f of after) {
    const was = old.get(f.path);
    if (!was) changes.push({ path: f.path, change: 'added', before: null, after: f.size });
    else if (was.digest !== f.digest || was.type !== f.type) changes.push({ path: f.path, change: 'changed', before: was.size, after: f.size });
    old.delete(f.path);
  }
  for (const f of old.values()) changes.push({ path: f.path, change: 'removed', before: f.size, after: null });
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
