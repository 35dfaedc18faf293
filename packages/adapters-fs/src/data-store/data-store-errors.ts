import { DotscienceError } from '@dotscience/core';

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

export { MaterializeTargetExistsError, NonUtf8NameError, SpecialFileError } from '@dotscience/core';

/** The version (or an object it needs) is not in this store. */
export class DataVersionNotFoundError extends DotscienceError {
  readonly code = 'DATA_VERSION_NOT_FOUND';
  constructor(
    readonly digest: string,
    readonly directory: string,
    readonly detail = '',
  ) {
    super(
      `version ${digest} is not in the data store at ${directory}${detail ? ` (${detail})` : ''} — capture it here first, or point at the store that holds it`,
    );
  }
}

/** The ref carries no digest, and this store cannot compute one without the data. */
export class MissingDigestError extends DotscienceError {
  readonly code = 'DATA_REF_WITHOUT_DIGEST';
  constructor(readonly store: string) {
    super(
      `the version ref from store "${store}" has no digest, so the fs data store cannot find it — ask the "${store}" store for its digest (digestOf) first`,
    );
  }
}

/** An object arrived whose bytes do not hash to the digest it was sent under (changed at the source, or damaged in transit). */
export class ObjectDigestMismatchError extends DotscienceError {
  readonly code = 'DATA_DIGEST_MISMATCH';
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      `object ${expected} arrived with content hashing to ${actual} — nothing was stored; capture the data again (it changed since it was hashed) and retry`,
    );
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
