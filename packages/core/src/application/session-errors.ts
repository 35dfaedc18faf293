import { DotscienceError } from '../errors/store-errors.js';

export type RunMode = 'script' | 'interactive';

/** interactive() and script() select how a process's runs are recorded; one process uses one. */
export class ModeConflictError extends DotscienceError {
  readonly code = 'MODE_CONFLICT';
  constructor(
    readonly selected: RunMode,
    readonly attempted: RunMode,
  ) {
    super(
      `this process already selected ${selected} mode; ${attempted}() cannot switch it to ${attempted} mode — call either interactive() (notebooks) or script() (scripts), not both`,
    );
  }
}

/** publish() with no run open in the process. */
export class NoOpenRunError extends DotscienceError {
  readonly code = 'NO_OPEN_RUN';
  constructor(readonly command: string) {
    super(`${command}(): no run is open in this process — call start() (or record an annotation, which starts one) first`);
  }
}

/** publish() given the versions captured earlier, and a planned output or model that has none among them. */
export class VersionNotCapturedError extends DotscienceError {
  readonly code = 'VERSION_NOT_CAPTURED';
  constructor(readonly path: string) {
    super(`${path} was not captured before the run was published, so it cannot be versioned now — capture every planned output and model first`);
  }
}
