import { DotscienceError } from './store-errors.js';

/** A DataStore was asked to capture a path that does not exist. Adapters throw it; the SDK shows it as is. */
export class DataPathNotFoundError extends DotscienceError {
  readonly code = 'DATA_PATH_NOT_FOUND';
  constructor(
    readonly path: string,
    /** Where relative paths were resolved from, when the adapter knows it. */
    readonly cwd?: string,
  ) {
    super(`data path ${path} does not exist${cwd ? ` (resolved from ${cwd})` : ''} — write the file or directory before declaring it, or fix the path`);
  }
}

/** `DataStore.materialize` was given a target that already exists (the port requires a fresh target). Every adapter throws this one. */
export class MaterializeTargetExistsError extends DotscienceError {
  readonly code = 'DATA_TARGET_EXISTS';
  constructor(readonly path: string) {
    super(`cannot materialize into ${path}: it already exists — choose a path that does not exist, or remove it first`);
  }
}

/** What kind of special file a capture met. */
export type SpecialFileKind = 'socket' | 'fifo' | 'block device' | 'character device' | 'unknown';

/** Capture met a socket, FIFO or device: it cannot be versioned as data. Every DataStore refuses it the same way. */
export class SpecialFileError extends DotscienceError {
  readonly code = 'DATA_SPECIAL_FILE';
  constructor(
    readonly path: string,
    readonly fileKind: SpecialFileKind,
  ) {
    super(
      `cannot capture ${path}: it is a ${fileKind}, not a regular file, directory or symlink — move it out of the captured tree or capture a narrower path`,
    );
  }
}

/**
 * A name in the captured tree (or a symlink's target) is not valid UTF-8. A version records names as UTF-8
 * text, so such a name could not be restored byte for byte: every DataStore refuses it rather than alter it,
 * before storing anything.
 */
export class NonUtf8NameError extends DotscienceError {
  readonly code = 'DATA_NAME_NOT_UTF8';
  constructor(
    /** The path with every byte that is not UTF-8 shown as `\xHH`. */
    readonly path: string,
    /** The path's bytes as the file system holds them (`Buffer.from(rawPath)` names it in fs calls, to rename or remove it). */
    readonly rawPath: Uint8Array,
    /** What is not UTF-8: the entry's own name, or the target text of the symlink at `path`. */
    readonly part: 'name' | 'symlink target',
    /** For a symlink target: the target with its invalid bytes escaped. */
    readonly target?: string,
  ) {
    super(
      part === 'name'
        ? `cannot capture ${path}: its name is not valid UTF-8 (bytes shown as \\xHH) and a version records names as UTF-8 — ` +
            'rename it to a UTF-8 name (e.g. convmv -f latin1 -t utf-8 --notest) or move it out of the captured tree; nothing was stored'
        : `cannot capture the symlink ${path}: its target ${target ?? ''} is not valid UTF-8 (bytes shown as \\xHH) and a version records link targets as UTF-8 — ` +
            'point the link at a UTF-8 path or move it out of the captured tree; nothing was stored',
    );
  }
}
