import type { VersionRef } from '../events/catalogue.js';
import type { MaterializeOptions } from '../data/restored-mode.js';

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

/** `bytes` and `files` count regular files only (see `DataStore`). */
export interface VersionStat {
  kind: 'file' | 'directory';
  bytes: number;
  files: number;
}

/**
 * Versions data by content. Two captures of identical content give the same
 * digest on every adapter (a file: sha256 of its bytes; a directory: the sha256
 * of its canonical manifest, see `data/manifest.ts`). Where the data lives and
 * what the captured root is called are not part of the digest.
 *
 * Symlinks inside a captured directory are recorded by their target text and
 * never followed (the captured root itself may be a symlink: it is followed).
 *
 * Sizes: `bytes` (in a `VersionRef`, a `VersionStat` and capture progress) is
 * the total length of the regular files in the version and `files` their
 * number; symlinks and directories add nothing to either. A sub-directory's
 * manifest `size` follows the same rule, so it equals the `bytes` a capture of
 * that sub-directory reports (a symlink entry's own `size` is its target length).
 *
 * `materialize` restores a directory's names, bytes, permission bits (setuid,
 * setgid and sticky only when asked: `MaterializeOptions`), empty
 * directories and symlinks (same target text); a single-file version carries
 * no mode and is restored as a plain file. Versions are immutable: changing or
 * deleting the source, or a restored copy, never changes what the store gives back.
 * The `dataStoreContract` suite in `@dotscience/core/testing` checks all of this.
 *
 * A store whose capture must not grow with data size (ZFS) may defer digests:
 * it sets `digestsDeferred`, returns refs without `digest`, and computes the
 * digest in `digestOf` on request.
 */
export interface DataStore {
  /** 'fs', 'zfs', 'http', ... — recorded in every VersionRef it makes. */
  readonly kind: string;
  readonly digestsDeferred?: boolean;
  /** Throws `DataPathNotFoundError` naming `path` when it does not exist. Progress is reported at least once and ends at the ref's totals. */
  capture(path: string, options?: CaptureOptions): Promise<VersionRef>;
  /**
   * Restore the version at `targetPath` exactly: bytes, names, modes — without
   * setuid, setgid and sticky bits unless `options.specialModes`. The target must
   * not exist (else `MaterializeTargetExistsError` naming it, and the target is left untouched).
   */
  materialize(ref: VersionRef, targetPath: string, options?: MaterializeOptions): Promise<void>;
  /** False for a version this store does not hold (e.g. an unknown digest). */
  has(ref: VersionRef): Promise<boolean>;
  /** `undefined` for a version this store does not hold. */
  stat(ref: VersionRef): Promise<VersionStat | undefined>;
  /** The content digest `sha256:<hex>` (computed now if the store deferred it). */
  digestOf(ref: VersionRef): Promise<string>;
}

export const DataStore = Symbol.for('dotscience.DataStore');
