import { DotscienceError } from './store-errors.js';

/** A DataStore was asked to capture a path that does not exist. Adapters throw it; the SDK shows it as is. */
export class DataPathNotFoundError extends DotscienceError {
  readonly code = 'DATA_PATH_NOT_FOUND';
  constructor(
    readonly path: string,
    /** Where relative paths were resolved from, when the adapter knows it. */
    readonly cwd?: string,
  ) {
    super(
      `data path ${path} does not exist${cwd ? ` (resolved from ${cwd})` : ''} — write the file or directory before declaring it, or fix the path`,
    );
  }
}

/** `DataStore.materialize` was given a target that already exists (the port requires a fresh target). Every adapter throws this one. */
export class MaterializeTargetExistsError extends DotscienceError {
  readonly code = 'DATA_TARGET_EXISTS';
  constructor(readonly path: string) {
    super(`cannot materialize into ${path}: it already exists — choose a path that does not exist, or remove it first`);
  }
}
