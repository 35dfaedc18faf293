import { DotscienceError } from '../errors/store-errors.js';

/** A projection definition that cannot run: bad name or version, or a handler for an event type that does not exist. */
export class InvalidProjectionError extends DotscienceError {
  readonly code = 'INVALID_PROJECTION';
  constructor(
    readonly projection: string,
    readonly problem: string,
  ) {
    super(`projection ${projection || '(unnamed)'}: ${problem}`);
  }
}

/** A handler threw. The runner stops; its last checkpoint is still good. */
export class ProjectionHandlerError extends DotscienceError {
  readonly code = 'PROJECTION_HANDLER_FAILED';
  constructor(
    readonly projection: string,
    readonly eventType: string,
    readonly stream: string,
    readonly revision: number,
    readonly position: number,
    override readonly cause: unknown,
  ) {
    super(
      `projection ${projection} failed on ${eventType} at ${stream}@${revision} (position ${position}): ${cause instanceof Error ? cause.message : String(cause)} — fix the handler, bump the projection's version if its state is affected, and run it again`,
    );
  }
}

/** A projection's state holds something JSON cannot carry, so it cannot be checkpointed. */
export class ProjectionStateError extends DotscienceError {
  readonly code = 'PROJECTION_STATE_NOT_JSON';
  constructor(
    readonly projection: string,
    readonly path: string,
    readonly found: string,
  ) {
    super(
      `projection ${projection}: state at ${path || '(root)'} is ${found}, which JSON cannot carry — keep projection state to plain objects, arrays, strings, finite numbers, booleans and null (ISO strings for times)`,
    );
  }
}

/** The runner was asked to do something after a handler failed or after it was stopped. */
export class ProjectionRunnerStateError extends DotscienceError {
  readonly code = 'PROJECTION_RUNNER_UNAVAILABLE';
  constructor(
    readonly projection: string,
    readonly reason: string,
  ) {
    super(`projection runner ${projection}: ${reason}`);
  }
}
