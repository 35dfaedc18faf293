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
