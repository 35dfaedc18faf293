import { eventSchemas, isEventType, type DomainEvent } from '../events/catalogue.js';
import { GENESIS_HASH, type EventMeta, type NewEvent, type RecordedEvent } from '../events/envelope.js';
import { chainEvents } from '../events/hash-chain.js';
import { categoryOf, idOf } from '../events/streams.js';
import type { UpcasterRegistry } from '../events/upcasting.js';
import { RunStateDraft } from '../run/evolve.js';
import { initialRunState, type RunState } from '../run/run-state.js';
import { AppendRefusedError, ruleOf, StreamRuleError } from './gate-errors.js';
import { admitModelRegistryEvent, admitRunMetaEvent, modelRegistryEventTypes, recordedRunMeta, type RunMetaStreamRules } from './registry-stream-rules.js';
import { admitRunEvent } from './run-stream-rules.js';
import { admitVersionEvent, recordedVersion, type VersionStreamRules } from './version-stream-rules.js';

/** What the rules of a stream need to know of it, by the stream's category. */
export type StreamRules =
  | { readonly category: 'run'; readonly run: RunState }
  | VersionStreamRules
  | RunMetaStreamRules
  | { readonly category: 'project'; readonly projectId: string; readonly created: boolean };

/** A stream's rules state at a revision, with the hash of its last event (for seals). */
export interface StreamGateState {
  readonly stream: string;
  /** Revision of the last event folded in; -1 for an empty stream. */
  readonly revision: number;
  /** Hash of that event; GENESIS_HASH for an empty stream. */
  readonly head: string;
  readonly rules: StreamRules;
}

/** An event proposed for a stream, as `EventStore.append` takes it. */
export interface ProposedEvent {
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
  readonly meta: EventMeta;
}

/** What the rules ask of the rest of the store: is a run with this id started there? */
export interface GateLookups {
  runStarted(runId: string): boolean;
  /** Version events come from the hub, which numbered them (a pull): their numbers are taken as given, once per version (D104). */
  readonly merging?: boolean;
}

/** The state of a stream with no events. Throws a StreamRuleError for a stream of no known category. */
export function emptyStreamState(stream: string): StreamGateState {
  const id = idOf(stream);
  const category = categoryOf(stream);
  const base = { stream, revision: -1, head: GENESIS_HASH };
  if (id !== '') {
    if (category === 'run') return { ...base, rules: { category, run: initialRunState(id) } };
    if (category === 'dataset') return { ...base, rules: { category, eventType: 'DatasetVersionCreated', name: id, versions: [] } };
    if (category === 'model') return { ...base, rules: { category, eventType: 'ModelVersionCreated', name: id, versions: [] } };
    if (category === 'project') return { ...base, rules: { category, projectId: id, created: false } };
    if (category === 'runmeta') return { ...base, rules: { category, runId: id, deleted: false } };
  }
  throw new StreamRuleError(
    'UNKNOWN_STREAM_CATEGORY',
    `stream ${JSON.stringify(stream)} is not run-<id>, dataset-<name>, model-<name>, project-<id> or runmeta-<runId>; the catalogue's events live in those streams only`,
  );
}

/** `event` (type, schemaVersion, data) as the catalogue reads it: a known type, upcast to its current schema, its data valid. Throws. */
export function catalogueEvent(
  stream: string,
  revision: number,
  event: Pick<ProposedEvent, 'type' | 'schemaVersion' | 'data'>,
  upcasters: UpcasterRegistry,
): DomainEvent {
  if (!isEventType(event.type)) {
    throw new StreamRuleError(
      'UNKNOWN_EVENT_TYPE',
      `${JSON.stringify(event.type)} is not an event type of the catalogue (${Object.keys(eventSchemas).join(', ')})`,
    );
  }
  return upcasters.upcast({ type: event.type, schemaVersion: event.schemaVersion, data: event.data, stream, revision } as RecordedEvent);
}

/** One folding of a stream's events, in order, sharing one working copy of a run's state. */
class StreamFold {
  private rules: StreamRules;
  private readonly draft: RunStateDraft | undefined;

  constructor(start: StreamGateState) {
    this.rules = start.rules;
    this.draft = start.rules.category === 'run' ? new RunStateDraft(start.rules.run) : undefined;
  }

  admit(event: DomainEvent, hashBefore: () => string, lookups: GateLookups): void {
    const rules = this.rules;
    if (rules.category === 'run') return admitRunEvent(this.draft!, event, hashBefore);
    if (rules.category === 'project') {
      if (event.type !== 'ProjectCreated') throw new StreamRuleError('EVENT_NOT_IN_STREAM', `a project stream holds ProjectCreated only, not ${event.type}`);
      if (rules.created) throw new StreamRuleError('PROJECT_ALREADY_CREATED', `project ${rules.projectId} is already created; a project is created once`);
      if (event.data.id !== rules.projectId)
        throw new StreamRuleError(
          'PROJECT_ID_MISMATCH',
          `ProjectCreated names project ${JSON.stringify(event.data.id)} but the stream is project ${JSON.stringify(rules.projectId)}'s`,
        );
      this.rules = { ...rules, created: true };
      return;
    }
    if (rules.category === 'runmeta') {
      this.rules = admitRunMetaEvent(rules, event, lookups.runStarted);
      return;
    }
    if (rules.category === 'model' && modelRegistryEventTypes.has(event.type)) return admitModelRegistryEvent(rules, event);
    this.rules = { ...rules, versions: admitVersionEvent(rules, event, lookups.runStarted, lookups.merging) };
  }

  /** A recorded event added without judging it (the store holds it already). */
  absorb(event: DomainEvent): void {
    const rules = this.rules;
    if (rules.category === 'run') this.draft!.apply(event);
    else if (rules.category === 'project') this.rules = event.type === 'ProjectCreated' ? { ...rules, created: true } : rules;
    else if (rules.category === 'runmeta') this.rules = recordedRunMeta(rules, event);
    else this.rules = { ...rules, versions: recordedVersion(rules, event) };
  }

  get folded(): StreamRules {
    return this.draft ? { category: 'run', run: this.draft.state } : this.rules;
  }
}

/**
 * Admit `events`, appended after `state`, or throw an AppendRefusedError naming the
 * first that breaks a rule: a type the catalogue lacks, a schema version without
 * upcasters, data its schema refuses, or a rule of the stream (see StreamFold). Pure:
 * returns the rules' state after them (`atHead` makes it a stream state once the
 * store has given the last one its hash) and changes nothing it was given. The seal of a
 * RunPublished is checked against the hash the event before it will have, computed
 * as every store chains events.
 */
export function admitEvents(
  state: StreamGateState,
  events: readonly ProposedEvent[],
  lookups: GateLookups,
  upcasters: UpcasterRegistry,
  /** The hash of the event before event i, when the caller knows it (recorded events); else computed. */
  knownHashBefore?: (i: number) => string,
): AdmittedEvents {
  const fold = new StreamFold(state);
  let hashes: string[] | undefined;
  const hashBefore =
    knownHashBefore ??
    ((i: number): string => {
      if (i === 0) return state.head;
      if (!hashes || hashes.length < i) hashes = chainEvents(state.stream, state.revision, state.head, events.slice(0, i) as NewEvent[]).map((e) => e.hash);
      return hashes[i - 1]!;
    });
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    try {
      fold.admit(catalogueEvent(state.stream, state.revision + 1 + i, e, upcasters), () => hashBefore(i), lookups);
    } catch (error) {
      throw new AppendRefusedError(state.stream, i, e.id, e.type, ruleOf(error), error instanceof Error ? error.message : String(error));
    }
  }
  return { stream: state.stream, revision: state.revision + events.length, rules: fold.folded };
}

/** The rules' state after admitted events, before the store recorded them (their hashes are the store's to give). */
export interface AdmittedEvents {
  readonly stream: string;
  readonly revision: number;
  readonly rules: StreamRules;
}

/** The stream's state once the admitted events are recorded and the last one has hash `head`. */
export function atHead(admitted: AdmittedEvents, head: string): StreamGateState {
  // Not `{ ...admitted, head }`: on Node 20 a spread followed by another field takes V8's slow path (~0.9 µs, once per append).
  return { stream: admitted.stream, revision: admitted.revision, rules: admitted.rules, head };
}

/**
 * The state after events a store already holds, in revision order: each is folded
 * in as the projections would see it, without judging it (an event the catalogue
 * refuses is passed over). The gate judges what is proposed, not the past — the
 * audit does that (StreamAudit).
 */
export function absorbRecorded(state: StreamGateState, recorded: readonly RecordedEvent[], upcasters: UpcasterRegistry): StreamGateState {
  if (recorded.length === 0) return state;
  const fold = new StreamFold(state);
  for (const e of recorded) {
    let event: DomainEvent;
    try {
      event = catalogueEvent(e.stream, e.revision, e, upcasters);
    } catch {
      continue;
    }
    fold.absorb(event);
  }
  const last = recorded[recorded.length - 1]!;
  return { stream: state.stream, revision: last.revision, head: last.hash, rules: fold.folded };
}
