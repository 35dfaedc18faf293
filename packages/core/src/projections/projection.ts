import { z } from 'zod';
import { eventSchemas, isEventType, type EventData, type EventType } from '../events/catalogue.js';
import type { EventMeta, RecordedEvent } from '../events/envelope.js';
import { defaultUpcasters, type UpcasterRegistry } from '../events/upcasting.js';
import { detachedJson } from './json-state.js';
import { InvalidProjectionError, ProjectionHandlerError, type SkippedEvent } from './projection-errors.js';

/** The envelope fields a handler sees besides the event's type and data. */
export interface ProjectedEnvelope {
  id: string;
  stream: string;
  revision: number;
  position: number;
  recordedAt: string;
  hash: string;
  meta: EventMeta;
}

/**
 * What a handler receives: the event upcast to the current schema (`type`,
 * `data`) plus its envelope. Without a type argument it is a union
 * discriminated on `type`.
 */
export type ProjectedEvent<T extends EventType = EventType> = T extends EventType ? ProjectedEnvelope & { type: T; data: EventData<T> } : never;

/**
 * A handler returns the next state. It MAY mutate `state` in place and return it
 * (or return nothing, which means "the state I was given, now mutated"): the
 * runner owns the state object, hands it to no one else while it runs, and
 * checkpoints a detached JSON copy. Mutating is the fast path for millions of
 * events; returning fresh objects works too.
 */
export type ProjectionHandler<S, T extends EventType = EventType> = (state: S, event: ProjectedEvent<T>) => S | void;

export type ProjectionHandlers<S> = { [T in EventType]?: ProjectionHandler<S, T> };

export interface ProjectionDefinition<S> {
  /** Checkpoint key; letters, digits, '.', '_' and '-'. */
  name: string;
  /** Bump it whenever the handlers or the state's shape change: the runner then rebuilds from position 0. */
  version: number;
  /** The state before any event. Must be JSON (it is checkpointed); the runner copies it before use. */
  initial: S;
  handlers: ProjectionHandlers<S>;
}

export interface Projection<S> extends Readonly<ProjectionDefinition<S>> {
  readonly handlers: Readonly<ProjectionHandlers<S>>;
}

const DefinitionSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'must be 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit'),
  version: z.number().int().positive(),
  handlers: z.record(
    z.string(),
    z.custom<(...args: unknown[]) => unknown>((h) => typeof h === 'function', 'must be a function'),
  ),
});

/** Declare a projection; refuses bad names, versions, handler types that do not exist, and initial state that is not JSON. */
export function defineProjection<S>(definition: ProjectionDefinition<S>): Projection<S> {
  const label = typeof definition?.name === 'string' ? definition.name : '';
  const parsed = DefinitionSchema.safeParse(definition);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidProjectionError(label, `${issue.path.map(String).join('.') || '(root)'} ${issue.message}`);
  }
  const unknown = Object.keys(definition.handlers).filter((t) => !isEventType(t));
  if (unknown.length > 0) {
    throw new InvalidProjectionError(
      label,
      `handlers for unknown event types ${unknown.join(', ')} — the event types are ${Object.keys(eventSchemas).join(', ')}`,
    );
  }
  detachedJson(definition.name, definition.initial);
  return Object.freeze({
    name: definition.name,
    version: definition.version,
    initial: definition.initial,
    handlers: Object.freeze({ ...definition.handlers }),
  });
}

/** A fresh, runner-owned copy of the projection's initial state. */
export function initialStateOf<S>(projection: Projection<S>): S {
  return detachedJson(projection.name, projection.initial) as S;
}

/** Applies recorded events to a state: upcasts, dispatches, wraps handler failures. */
export type EventApplier<S> = (state: S, event: RecordedEvent) => S;

/**
 * Compile a projection into an applier. Events of types the projection has no
 * handler for are skipped without being upcast (or validated), which keeps
 * replays of large logs cheap. An event the catalogue refuses (its data breaks its
 * schema, or its schema version has no upcasters) cannot be applied: it is passed
 * over, the state unchanged, and reported to `onSkipped` — one stored event never
 * stops a read model. A handler that throws on a valid event is a bug in the
 * handler: that still fails (ProjectionHandlerError).
 */
export function eventApplier<S>(
  projection: Projection<S>,
  upcasters: UpcasterRegistry = defaultUpcasters,
  onSkipped?: (skipped: SkippedEvent) => void,
): EventApplier<S> {
  const handlers = new Map<string, ProjectionHandler<S>>();
  for (const [type, handler] of Object.entries(projection.handlers)) handlers.set(type, handler as ProjectionHandler<S>);
  return (state, e) => {
    const handler = handlers.get(e.type);
    if (!handler) return state;
    let domain;
    try {
      domain = upcasters.upcast(e);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      onSkipped?.({ projection: projection.name, stream: e.stream, revision: e.revision, position: e.position, type: e.type, reason });
      return state;
    }
    try {
      const next = handler(state, {
        type: domain.type,
        data: domain.data,
        id: e.id,
        stream: e.stream,
        revision: e.revision,
        position: e.position,
        recordedAt: e.recordedAt,
        hash: e.hash,
        meta: e.meta,
      } as ProjectedEvent);
      return next === undefined ? state : next;
    } catch (cause) {
      throw new ProjectionHandlerError(projection.name, e.type, e.stream, e.revision, e.position, cause);
    }
  };
}
