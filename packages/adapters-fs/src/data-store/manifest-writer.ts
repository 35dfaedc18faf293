import { createHash } from 'node:crypto';
import type { Manifest } from '@dotscience/core';
import type { ObjectStore } from './object-store.js';
import type { StatCache } from './stat-cache.js';
import type { FsScannedDirectory } from './tree-scan.js';

/**
 * Stores the Merkle manifests core's builder hands over, bottom-up. A directory
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
  ) {}

  /** Store `manifest` (unless the cache shows it is already there) and return its digest. */
  async seal(dir: FsScannedDirectory, manifest: Manifest): Promise<string> {
    const key = createHash('sha256').update(JSON.stringify(manifest.entries)).digest('hex');
    let hex = this.cache.manifestOf(dir.rel, key);
    if (hex === undefined || !(await this.objects.has(hex))) {
      const put = await this.objects.putManifest(manifest);
      hex = put.hex;
      if (put.stored) this.stored.push(hex);
      this.cache.recordManifest(dir.rel, key, hex);
    }
    return `sha256:${hex}`;
  }
}
