import type { RecordedEvent } from '../events/envelope.js';
import { runStream } from '../events/streams.js';
import { defaultUpcasters, type UpcasterRegistry } from '../events/upcasting.js';
import { AppendRefusedError, ruleOf } from './gate-errors.js';
import { admitEvents, atHead, emptyStreamState, type GateLookups, type StreamGateState } from './stream-rules.js';

/** The first recorded event that breaks a rule the gate enforces: where it is and which rule. */
export interface RuleViolation {
  stream: string;
  revision: number;
  position: number;
  eventId: string;
  eventType: string;
  /** A stable code: INVALID_EVENT_DATA, RUN_ALREADY_PUBLISHED, PARAMETER_CONFLICT, VERSION_NUMBER, ... */
  rule: string;
  message: string;
}

/**
 * The gate's rules applied to a store's history, for `ds audit verify`: every recorded
 * event, in global order, is judged as the gate would have judged its append — its
 * schema, and its stream's rules given the events before it — with each seal checked
 * against the recorded hash before it. The same code as the gate (admitEvents), so a
 * history the gate would have refused anywhere fails here, at the first such event.
 */
export class StreamAudit {
  private readonly states = new Map<string, StreamGateState>();
  private readonly lookups: GateLookups = {
    runStarted: (runId) => {
      const run = this.states.get(runStream(runId))?.rules;
      return run?.category === 'run' && run.run.lifecycle !== 'not-started';
    },
  };

  constructor(private readonly upcasters: UpcasterRegistry = defaultUpcasters) {}

  /** Judge the next recorded event (its stream's chain already verified); undefined when it keeps every rule. */
  check(e: RecordedEvent): RuleViolation | undefined {
    try {
      const state = this.states.get(e.stream) ?? emptyStreamState(e.stream);
      const admitted = admitEvents(state, [e], this.lookups, this.upcasters, () => e.prevHash);
      this.states.set(e.stream, atHead(admitted, e.hash));
      return undefined;
    } catch (error) {
      const reason = error instanceof AppendRefusedError ? error.reason : (error as Error).message;
      const rule = error instanceof AppendRefusedError ? error.rule : ruleOf(error);
      return {
        stream: e.stream,
        revision: e.revision,
        position: e.position,
        eventId: e.id,
        eventType: e.type,
        rule,
        message: `stream ${e.stream} revision ${e.revision} (position ${e.position}, ${e.type} ${e.id}) breaks rule ${rule}: ${reason}`,
      };
    }
  }
}
