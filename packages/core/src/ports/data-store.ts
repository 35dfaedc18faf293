import type { VersionRef } from '../events/catalogue.js';

export type { VersionRef };

export interface CaptureProgress {
  bytesDone: number;
  bytesTotal: number;
  filesDone: number;
  filesTotal: number;
}

export interface CaptureOptions {
  onProgress?: (progress: CaptureProgress) => void;
  /** A label for store-side naming (e.g. a ZFS snapshot named from the run). */
  label?: string;
}

export interface VersionStat {
  kind: 'file' | 'directory';
  bytes: number;
  files: number;
}

/**
 * Versions data by content. Two captures of identical content give the same
 * digest on every adapter (a file: sha256 of its bytes; a directory: the sha256
 * of its canonical manifest, see `data/manifest.ts`).
 *
 * A store whose capture must not grow with data size (ZFS) may defer digests:
 * it sets `digestsDeferred`, returns refs without `digest`, and computes the
 * digest in `digestOf` on request.
 */
export interface DataStore {
  /** 'fs', 'zfs', 'http', ... — recorded in every VersionRef it makes. */
  readonly kind: string;
  readonly digestsDeferred?: boolean;
  capture(path: string, options?: CaptureOptions): Promise<VersionRef>;
  /** Restore the version at `targetPath` exactly: bytes, names, modes. The target must not exist. */
  materialize(ref: VersionRef, targetPath: string): Promise<void>;
  has(ref: VersionRef): Promise<boolean>;
  stat(ref: VersionRef): Promise<VersionStat | undefined>;
  /** The content digest `sha256:<hex>` (computed now if the store deferred it). */
  digestOf(ref: VersionRef): Promise<string>;
}

export const DataStore = Symbol.for('dotscience.DataStore');
