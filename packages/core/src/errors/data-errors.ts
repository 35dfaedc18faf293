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
