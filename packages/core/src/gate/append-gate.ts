import { defaultUpcasters, type UpcasterRegistry } from '../events/upcasting.js';
import { categoryOf, idOf, runStream } from '../events/streams.js';
import type { RecordedEvent } from '../events/envelope.js';
import type { EventStore } from '../ports/event-store.js';
import { parseAppendedEvents } from '../store/append-rules.js';
import { AppendRefusedError, ruleOf } from './gate-errors.js';
import { absorbRecorded, admitEvents, emptyStreamState, type AdmittedEvents, type ProposedEvent, type StreamGateState } from './stream-rules.js';

export interface AppendGateOptions {
  upcasters?: UpcasterRegistry;
  /** How many streams' folded states are kept (least recently used go first). Default 10,000. */
  streamsCached?: number;
  /** The gate of a pull: version numbers are the hub's, taken as given (D104). */
  merging?: boolean;
}

/**
 * States of streams not yet written: what a caller that checks a whole import before
 * writing any of it has admitted so far, stream by stream. The gate reads these before
 * the store (and does not read the store for them).
 */
export type PendingStreams = Map<string, StreamGateState>;

/**
 * The one gate every append from outside the deciding process passes (DESIGN §3,
 * docs/decisions.md "One gate for every write"): each proposed event is checked
 * against the catalogue and, folded onto its stream's state, against the stream's
 * rules — the run decider's and the version numbering's, the code the SDK decides
 * with. The states of streams are folded from the store once and kept by revision;
 * a later check reads only what was recorded since. The gate writes nothing.
 */
export class AppendGate {
  private readonly states = new Map<string, StreamGateState>();
  private readonly upcasters: UpcasterRegistry;
  private readonly capacity: number;
  private readonly merging: boolean;

  constructor(
    private readonly store: EventStore,
    options: AppendGateOptions = {},
  ) {
    this.upcasters = options.upcasters ?? defaultUpcasters;
    this.capacity = options.streamsCached ?? 10_000;
    this.merging = options.merging ?? false;
  }

  /**
   * Check `events` proposed for `stream`: throws an AppendRefusedError naming the first
   * event that breaks a rule (or, for an event that is not even an event envelope, the
   * InvalidInputError every store's append gives). Streams in `pending` (what a caller
   * checking a whole import admitted so far: it keeps `atHead(admitted, hash)` there) are
   * taken from it, not from the store. `expectedRevision`: the revision the append will
   * be written at only if the stream is still there (the store refuses it otherwise), so a
   * state kept at that revision is used without reading the store, and for -1 (a stream the
   * store must not hold yet: a run's first append) a stream with no kept state starts empty,
   * unread. Returns the state the events lead to.
   */
  async check(stream: string, events: readonly unknown[], pending?: PendingStreams, expectedRevision?: number): Promise<AdmittedEvents> {
    const proposed = proposedEvents(stream, events);
    let state: StreamGateState;
    try {
      state = this.stateInMemory(stream, pending, expectedRevision) ?? (await this.stateOf(stream, pending));
    } catch (error) {
      throw refusalOfState(stream, proposed, error);
    }
    const started = namesProducers(stream, proposed) ? await this.producingRunsStarted(proposed, pending, stream) : NO_RUNS;
    return this.admit(stream, events, state, proposed, started);
  }

  /**
   * `check` without waiting, when memory holds all it needs: the stream's state is kept at
   * `expectedRevision` (or the stream is unknown and must be new, -1) and no event names a run
   * whose start must be looked up. Undefined when the check would read the store; throws as `check` does.
   */
  checkInMemory(stream: string, events: readonly unknown[], expectedRevision: number | undefined): AdmittedEvents | undefined {
    const proposed = proposedEvents(stream, events);
    if (namesProducers(stream, proposed)) return undefined;
    let state: StreamGateState | undefined;
    try {
      state = this.stateInMemory(stream, undefined, expectedRevision);
    } catch (error) {
      throw refusalOfState(stream, proposed, error);
    }
    return state && this.admit(stream, events, state, proposed, NO_RUNS);
  }

  /**
   * The state to check against without reading the store, if there is one: a state kept at the
   * revision the append will be written at (the store refuses the append if the stream moved on),
   * or the empty state of a stream the gate knows nothing of and that must not exist yet (-1).
   */
  private stateInMemory(stream: string, pending: PendingStreams | undefined, expectedRevision: number | undefined): StreamGateState | undefined {
    if (pending?.has(stream)) return undefined;
    const kept = this.states.get(stream);
    if (kept !== undefined) return kept.revision === expectedRevision ? kept : undefined;
    return expectedRevision === -1 ? emptyStreamState(stream) : undefined;
  }

  private admit(
    stream: string,
    events: readonly unknown[],
    state: StreamGateState,
    proposed: readonly ProposedEvent[],
    started: ReadonlySet<string>,
  ): AdmittedEvents {
    try {
      return admitEvents(state, proposed, { runStarted: (id) => started.has(id), merging: this.merging }, this.upcasters);
    } catch (error) {
      // An event that is not a well-formed envelope is named as every store names it.
      if (error instanceof AppendRefusedError) parseAppendedEvents(stream, events);
      throw error;
    }
  }

  /** The stream's state as the store holds it now (or as `pending` has it). */
  async stateOf(stream: string, pending?: PendingStreams): Promise<StreamGateState> {
    const waiting = pending?.get(stream);
    if (waiting) return waiting;
    const known = this.states.get(stream) ?? emptyStreamState(stream);
    const since: RecordedEvent[] = [];
    for await (const e of this.store.readStream(stream, { fromRevision: known.revision + 1 })) since.push(e);
    const state = absorbRecorded(known, since, this.upcasters);
    this.remember(state);
    return state;
  }

  /** Keep a stream's state (after the caller's append recorded it, say), so the next check starts there. */
  remember(state: StreamGateState): void {
    this.states.delete(state.stream);
    this.states.set(state.stream, state);
    if (this.states.size > this.capacity) this.states.delete(this.states.keys().next().value!);
  }

  /** Which runs named as the producer of a proposed version event (or owning the runmeta stream) are started (in the store or pending). */
  private async producingRunsStarted(events: readonly ProposedEvent[], pending: PendingStreams | undefined, stream: string): Promise<Set<string>> {
    const started = new Set<string>();
    for (const e of events) {
      if (!namesProducer(stream, e)) continue;
      const producer = categoryOf(stream) === 'runmeta' ? idOf(stream) : (e.data as { producedBy?: unknown } | null)?.producedBy;
      if (typeof producer !== 'string' || producer === '' || started.has(producer)) continue;
      const run = await this.stateOf(runStream(producer), pending).catch(() => undefined);
      if (run?.rules.category === 'run' && run.rules.run.lifecycle !== 'not-started') started.add(producer);
    }
    return started;
  }
}

const NO_RUNS: ReadonlySet<string> = new Set();

/** The proposed events as the rules read them: plainly envelopes, or else parsed as the store parses them (which names what is wrong). */
function proposedEvents(stream: string, events: readonly unknown[]): readonly ProposedEvent[] {
  return events.every(isEnvelope) ? (events as ProposedEvent[]) : parseAppendedEvents(stream, events);
}

/** Whether a rule of `event` asks if a run is started: a version event names its producing run, and a runmeta stream's events are its run's. */
function namesProducer(stream: string, event: ProposedEvent): boolean {
  return categoryOf(stream) === 'runmeta' || event.type === 'DatasetVersionCreated' || event.type === 'ModelVersionCreated';
}

const namesProducers = (stream: string, events: readonly ProposedEvent[]): boolean => events.some((e) => namesProducer(stream, e));

/** A failure to find a stream's state (a stream of no known category, a store that cannot be read) as the refusal of the append's first event. */
function refusalOfState(stream: string, proposed: readonly ProposedEvent[], error: unknown): unknown {
  const first = proposed[0];
  if (!first) return error;
  return new AppendRefusedError(stream, 0, first.id, first.type, ruleOf(error), (error as Error).message);
}

/** Plainly an event envelope (what the rules read); anything else is left to the store's parse to name. */
function isEnvelope(e: unknown): e is ProposedEvent {
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return false;
  const { id, type, schemaVersion, meta } = e as Record<string, unknown>;
  return typeof id === 'string' && typeof type === 'string' && typeof schemaVersion === 'number' && typeof meta === 'object' && meta !== null && 'data' in e;
}
