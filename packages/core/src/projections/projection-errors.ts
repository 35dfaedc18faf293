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

/**
 * A recorded event a projection could not apply, so it passed over it and kept the
 * rest: the catalogue refuses it (a type it lacks, a schema version without upcasters,
 * data its schema refuses). What the read side reports instead of failing; `ds audit
 * verify` names the same event.
 */
export interface SkippedEvent {
  projection: string;
  stream: string;
  revision: number;
  position: number;
  type: string;
  reason: string;
}

/** How many skipped events a read model keeps to report (it counts them all). */
export const SKIPPED_EVENTS_KEPT = 100;

/** The events a read model passed over: the first SKIPPED_EVENTS_KEPT of them, and how many in all. */
export class SkippedEvents {
  private readonly kept: SkippedEvent[] = [];
  private total = 0;

  record(skipped: SkippedEvent): void {
    if (this.total++ < SKIPPED_EVENTS_KEPT) this.kept.push(skipped);
  }

  get events(): readonly SkippedEvent[] {
    return this.kept;
  }

  get count(): number {
    return this.total;
  }
}
