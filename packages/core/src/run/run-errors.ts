import { DotscienceError } from '../errors/store-errors.js';
import type { JsonValue } from '../events/json.js';

/** An annotation (or publish) reached a run that has not been started. */
export class RunNotStartedError extends DotscienceError {
  readonly code = 'RUN_NOT_STARTED';
  constructor(
    readonly runId: string,
    /** The command that was refused: 'recordParameter', 'publish', ... */
    readonly command: string,
  ) {
    super(`run ${runId}: cannot ${command} before the run is started — call start() first`);
  }
}

export class RunAlreadyStartedError extends DotscienceError {
  readonly code = 'RUN_ALREADY_STARTED';
  constructor(readonly runId: string) {
    super(`run ${runId} is already started — publish() it before starting another run`);
  }
}

/** An annotation, or a second publish, reached a run that is already published (sealed). */
export class RunAlreadyPublishedError extends DotscienceError {
  readonly code = 'RUN_ALREADY_PUBLISHED';
  constructor(
    readonly runId: string,
    readonly command: string,
    readonly publishedAt: string | null,
  ) {
    super(
      command === 'publish'
        ? `run ${runId} was already published${publishedAt ? ` at ${publishedAt}` : ''} — a run is published once; start() a new run to record more`
        : `run ${runId}: cannot ${command} after the run was published${publishedAt ? ` at ${publishedAt}` : ''} — a published run is sealed; start() a new run to record more`,
    );
  }
}

/** Nothing is recorded on a run after it was found abandoned (its writer gone). */
export class RunAbandonedError extends DotscienceError {
  readonly code = 'RUN_ABANDONED';
  constructor(
    readonly runId: string,
    readonly command: string,
  ) {
    super(`run ${runId}: cannot ${command} — the run was marked abandoned (its writer was gone before it was published); start() a new run to record more`);
  }
}

/** A parameter is immutable within a run. */
export class ParameterConflictError extends DotscienceError {
  readonly code = 'PARAMETER_CONFLICT';
  constructor(
    readonly runId: string,
    readonly parameter: string,
    readonly recorded: JsonValue,
    readonly attempted: JsonValue,
  ) {
    super(
      `run ${runId}: parameter "${parameter}" is already ${JSON.stringify(recorded)} and cannot become ${JSON.stringify(attempted)} — parameters are immutable within a run; use another name or start() a new run`,
    );
  }
}

/** Metric series are append-only: a point may not go before the series' last step. */
export class MetricStepOrderError extends DotscienceError {
  readonly code = 'METRIC_STEP_OUT_OF_ORDER';
  constructor(
    readonly runId: string,
    readonly metric: string,
    readonly lastStep: number,
    readonly attemptedStep: number,
    /** In a batch (MetricsRecorded): the index of the refused point within its series. */
    readonly pointIndex?: number,
  ) {
    super(
      `run ${runId}: metric "${metric}" is at step ${lastStep}; step ${attemptedStep}${pointIndex === undefined ? '' : ` (point ${pointIndex} of the series in the batch)`} would go back in the series — metric series are append-only; record steps in non-decreasing order`,
    );
  }
}

/** A model name is declared once per run (identical re-declarations are ignored). */
export class ModelConflictError extends DotscienceError {
  readonly code = 'MODEL_CONFLICT';
  constructor(
    readonly runId: string,
    readonly model: string,
    readonly recordedPath: string,
    readonly attemptedPath: string,
  ) {
    super(
      `run ${runId}: model "${model}" is already declared with other details (path ${recordedPath}; now path ${attemptedPath}) — a model name is declared once per run; give the second model another name`,
    );
  }
}
