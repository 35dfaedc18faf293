import { DotscienceError } from '../errors/store-errors.js';

/**
 * A rule of a stream that an event breaks and that is the gate's own, not the run
 * decider's: the event does not belong in this kind of stream, the seal does not
 * match, a version is not the next one... `rule` is a stable code, like the
 * decider's errors' codes (RUN_ALREADY_PUBLISHED, PARAMETER_CONFLICT, ...).
 */
export class StreamRuleError extends DotscienceError {
  readonly code: string;
  constructor(
    readonly rule: string,
    message: string,
  ) {
    super(message);
    this.code = rule;
  }
}

/** The rule an error names: its stable code, or UNKNOWN when it has none. */
export function ruleOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
}

/**
 * An append the gate refused: event `index` of it breaks `rule` of stream `stream`
 * (the catalogue's schema, the run lifecycle, a version stream's numbering...).
 * Nothing of the append was written.
 */
export class AppendRefusedError extends DotscienceError {
  readonly code = 'APPEND_REFUSED';
  constructor(
    readonly stream: string,
    /** Which event of the append (0-based) is refused. */
    readonly index: number,
    readonly eventId: string,
    readonly eventType: string,
    /** The rule it breaks: a stable code (INVALID_EVENT_DATA, RUN_ALREADY_PUBLISHED, PARAMETER_CONFLICT, ...). */
    readonly rule: string,
    /** Why, in words. */
    readonly reason: string,
  ) {
    super(`event ${index} (${eventType} ${eventId}) appended to stream ${stream} breaks rule ${rule}: ${reason} — nothing was written`);
  }
}
