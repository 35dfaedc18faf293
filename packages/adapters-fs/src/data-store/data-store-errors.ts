import { DotscienceError } from '@dotscience/core';

/** Capture met a socket, FIFO or device: it cannot be versioned as data. */
export class SpecialFileError extends DotscienceError {
  readonly code = 'DATA_SPECIAL_FILE';
  constructor(
    readonly path: string,
    readonly fileKind: 'socket' | 'fifo' | 'block device' | 'character device' | 'unknown',
  ) {
    super(`cannot capture ${path}: it is a ${fileKind}, not a regular file, directory or symlink — move it out of the captured tree or capture a narrower path`);
  }
}

/** A file could not be read during capture (permissions, or it vanished mid-capture). */
export class DataReadError extends DotscienceError {
  readonly code = 'DATA_READ_FAILED';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`cannot read ${path} while capturing it: ${reason} — check its permissions, or retry once nothing is writing to it`);
  }
}

export { MaterializeTargetExistsError } from '@dotscience/core';

/**
 * A name in the captured tree (or a symlink's target) is not valid UTF-8. A version records names as UTF-8
 * text, so such a name could not be restored byte for byte: capture refuses it rather than alter it.
 */
export class NonUtf8NameError extends DotscienceError {
  readonly code = 'DATA_NAME_NOT_UTF8';
  constructor(
    /** The path with every byte that is not UTF-8 shown as `\xHH`. */
    readonly path: string,
    /** The path's bytes as the file system holds them (usable with fs calls to rename or remove it). */
    readonly rawPath: Buffer,
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

/** The version (or an object it needs) is not in this store. */
export class DataVersionNotFoundError extends DotscienceError {
  readonly code = 'DATA_VERSION_NOT_FOUND';
  constructor(
    readonly digest: string,
    readonly directory: string,
    readonly detail = '',
  ) {
    super(`version ${digest} is not in the data store at ${directory}${detail ? ` (${detail})` : ''} — capture it here first, or point at the store that holds it`);
  }
}

/** The ref carries no digest, and this store cannot compute one without the data. */
export class MissingDigestError extends DotscienceError {
  readonly code = 'DATA_REF_WITHOUT_DIGEST';
  constructor(readonly store: string) {
    super(`the version ref from store "${store}" has no digest, so the fs data store cannot find it — ask the "${store}" store for its digest (digestOf) first`);
  }
}

/** An object arrived whose bytes do not hash to the digest it was sent under (changed at the source, or damaged in transit). */
export class ObjectDigestMismatchError extends DotscienceError {
  readonly code = 'DATA_DIGEST_MISMATCH';
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`object ${expected} arrived with content hashing to ${actual} — nothing was stored; capture the data again (it changed since it was hashed) and retry`);
  }
}

/** The file system holding the data store ran out of space while storing a capture: the version was not recorded. */
export class DataStoreFullError extends DotscienceError {
  readonly code = 'DATA_STORE_FULL';
  constructor(
    readonly directory: string,
    readonly path: string,
  ) {
    super(
      `no space left on the device holding the data store ${directory} while storing ${path}: the capture was not recorded ` +
        '(versions captured earlier are intact) — free some space (or run ds gc) and capture again',
    );
  }
}
