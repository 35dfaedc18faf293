import { constants, promises as fsp } from 'node:fs';
import { randomBytes, createHash } from 'node:crypto';
import { join } from 'node:path';
import { ManifestSchema, type Manifest } from '@dotscience/core';
import { manifestText } from '@dotscience/core/store-kit';
import { DataStoreFullError } from './data-store-errors.js';
import { STORE_DIRECTORY_MODE, STORE_OBJECT_MODE } from '../store-file-modes.js';

const HEX_DIGEST = /^[0-9a-f]{64}$/;

/** `sha256:<hex>` → `<hex>`. */
export function hexOf(digest: string): string {
  return digest.slice('sha256:'.length);
}

/**
 * The content-addressed object area of a store directory:
 * `<store>/objects/sha256/<hex[0..2]>/<hex[2..]>` holds the bytes whose sha256 is
 * `<hex>` (file contents and directory manifests alike); `<store>/tmp` holds
 * objects being written, on the same file system so a rename publishes them.
 */
export class ObjectStore {
  readonly objectsDir: string;
  readonly tempDir: string;

  constructor(readonly directory: string) {
    this.objectsDir = join(directory, 'objects', 'sha256');
    this.tempDir = join(directory, 'tmp');
  }

  async open(): Promise<void> {
    await fsp.mkdir(this.objectsDir, { recursive: true, mode: STORE_DIRECTORY_MODE });
    await fsp.mkdir(this.tempDir, { recursive: true, mode: STORE_DIRECTORY_MODE });
  }

  pathOf(hex: string): string {
    return join(this.objectsDir, hex.slice(0, 2), hex.slice(2));
  }

  /** A fresh temp path inside the store. */
  tempPath(): string {
    return join(this.tempDir, `${process.pid}-${randomBytes(8).toString('hex')}`);
  }

  async has(hex: string): Promise<boolean> {
    try {
      await fsp.access(this.pathOf(hex), constants.F_OK);
      return true;
    } catch {
      return false;
    }
  }

  async size(hex: string): Promise<number | undefined> {
    try {
      return (await fsp.stat(this.pathOf(hex))).size;
    } catch {
      return undefined;
    }
  }

  /** Store `bytes` (temp + fsync + rename); returns the hex digest and whether it was new. */
  async put(bytes: Uint8Array): Promise<{ hex: string; stored: boolean }> {
    const hex = createHash('sha256').update(bytes).digest('hex');
    if (await this.has(hex)) return { hex, stored: false };
    const temp = this.tempPath();
    const handle = await fsp.open(temp, 'wx', STORE_OBJECT_MODE);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } catch (error) {
      // A full disk (or any failed write) must not leave the partial temp file holding space.
      await handle.close();
      await fsp.rm(temp, { force: true });
      throw (error as NodeJS.ErrnoException).code === 'ENOSPC' ? new DataStoreFullError(this.directory, 'an object (manifest)') : error;
    }
    await handle.close();
    try {
      await fsp.mkdir(join(this.objectsDir, hex.slice(0, 2)), { recursive: true, mode: STORE_DIRECTORY_MODE });
      await fsp.rename(temp, this.pathOf(hex));
    } catch (error) {
      await fsp.rm(temp, { force: true });
      throw error;
    }
    return { hex, stored: true };
  }

  /** Store a manifest as its canonical text, so the object's name is `manifestDigest(manifest)`. */
  async putManifest(manifest: Manifest): Promise<{ hex: string; stored: boolean }> {
    return this.put(Buffer.from(manifestText(manifest), 'utf8'));
  }

  /** The manifest stored under `hex`, or undefined when the object is absent. */
  async readManifest(hex: string): Promise<Manifest | undefined> {
    let text: string;
    try {
      text = await fsp.readFile(this.pathOf(hex), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    return ManifestSchema.parse(JSON.parse(text));
  }

  /** Make renames into the given fan-out directories (and the fan-out list itself) durable. */
  async syncFanOuts(prefixes: Iterable<string>): Promise<void> {
    await Promise.all([...new Set(prefixes)].map((p) => syncDirectory(join(this.objectsDir, p))));
    await syncDirectory(this.objectsDir);
  }

  /** Every stored object's hex digest (names that are not digests are skipped). */
  async *list(): AsyncGenerator<string> {
    for (const prefix of (await fsp.readdir(this.objectsDir)).sort()) {
      if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
      for (const rest of (await fsp.readdir(join(this.objectsDir, prefix))).sort()) {
        const hex = prefix + rest;
        if (HEX_DIGEST.test(hex)) yield hex;
      }
    }
  }

  async remove(hex: string): Promise<void> {
    await fsp.rm(this.pathOf(hex), { force: true });
  }
}

export async function syncDirectory(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
