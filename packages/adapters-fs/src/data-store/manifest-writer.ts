import { createHash } from 'node:crypto';
import { makeManifest, sha256Digest, type ManifestEntry } from '@dotscience/core';
import type { ObjectStore } from './object-store.js';
import type { StatCache } from './stat-cache.js';
import type { ScannedDirectory, ScannedFile } from './tree-scan.js';

export interface BuiltDirectory {
  entry: Omit<ManifestEntry, 'name'>;
  files: number;
}

/** An entry plus what it adds to its directory's totals: regular files and their bytes (a symlink adds neither). */
type BuiltEntry = ManifestEntry & { files: number; bytes: number };

/**
 * Turns a scanned tree into stored Merkle manifests, bottom-up. A directory
 * whose entries are exactly those of the last capture reuses the manifest
 * digest the stat cache remembers (keyed by a hash of the entries' JSON) instead
 * of re-serialising it canonically; the manifest object must still be present.
 */
export class ManifestWriter {
  /** Hex digests of manifests this capture added to the store. */
  readonly stored: string[] = [];

  constructor(
    private readonly objects: ObjectStore,
    private readonly cache: StatCache,
    private readonly digests: ReadonlyMap<ScannedFile, { hex: string; bytes: number }>,
  ) {}

  async directory(dir: ScannedDirectory): Promise<BuiltDirectory> {
    const built = await Promise.all(dir.children.map((child): BuiltEntry | Promise<BuiltEntry> => {
      if (child.type === 'file') {
        const { hex, bytes } = this.digests.get(child)!;
        return { name: child.name, type: 'file', mode: child.mode, size: bytes, digest: `sha256:${hex}`, files: 1, bytes };
      }
      if (child.type === 'symlink') {
        const size = Buffer.byteLength(child.target, 'utf8');
        return { name: child.name, type: 'symlink', mode: child.mode, size, digest: sha256Digest(child.target), target: child.target, files: 0, bytes: 0 };
      }
      return this.directory(child).then((sub): BuiltEntry => ({ name: child.name, ...sub.entry, files: sub.files, bytes: sub.entry.size }) as BuiltEntry);
    }));
    const manifest = makeManifest(built.map(({ files: _files, bytes: _bytes, ...entry }) => entry));
    const key = createHash('sha256').update(JSON.stringify(manifest.entries)).digest('hex');
    let hex = this.cache.manifestOf(dir.rel, key);
    if (hex === undefined || !(await this.objects.has(hex))) {
      const put = await this.objects.putManifest(manifest);
      hex = put.hex;
      if (put.stored) this.stored.push(hex);
      this.cache.recordManifest(dir.rel, key, hex);
    }
    return {
      entry: { type: 'directory', mode: dir.mode, size: built.reduce((s, e) => s + e.bytes, 0), digest: `sha256:${hex}` },
      files: built.reduce((s, e) => s + e.files, 0),
    };
  }
}
