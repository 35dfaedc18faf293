import { currentSchemaVersion, eventSchemas, isEventType, type DomainEvent, type EventType } from './catalogue.js';
import type { RecordedEvent } from './envelope.js';
import { eventDataChecker } from './fast/event-data.js';
import { plainlyValidMetricData } from './fast/metric-data.js';

/** Turns the data of `type` at `fromVersion` into the data of `fromVersion + 1`. */
export type Upcaster = (data: unknown) => unknown;

export class UnknownEventVersionError extends Error {
  readonly code = 'UNKNOWN_EVENT_VERSION';
  constructor(
    readonly type: string,
    readonly schemaVersion: number,
    readonly stream: string,
    readonly revision: number,
  ) {
    super(
      `event ${type} v${schemaVersion} at ${stream}@${revision} has no upcaster to v${currentVersionOf(type) ?? '?'} — upgrade dotscience or register an upcaster for ${type} v${schemaVersion}`,
    );
    this.name = 'UnknownEventVersionError';
  }
}

/** The catalogue's current schema version of `type`; undefined for a type it does not hold. */
function currentVersionOf(type: string): number | undefined {
  return isEventType(type) ? currentSchemaVersion[type] : undefined;
}

export class InvalidEventDataError extends Error {
  readonly code = 'INVALID_EVENT_DATA';
  constructor(
    readonly stream: string,
    readonly revision: number,
    readonly issues: string,
  ) {
    super(`event at ${stream}@${revision} does not match its schema: ${issues}`);
    this.name = 'InvalidEventDataError';
  }
}

/**
 * Old events are never rewritten (the log is immutable and hashed); readers
 * upcast them to the current schema when they read them.
 */
export class UpcasterRegistry {
  private readonly steps = new Map<string, Upcaster>();
  /** Each event type's data checker without zod (fast/event-data.ts), built at the type's first event; null when it has none. */
  private readonly checkers = new Map<string, ((data: unknown) => unknown) | null>();

  register(type: EventType, fromVersion: number, upcast: Upcaster): this {
    const key = `${type}@${fromVersion}`;
    if (this.steps.has(key)) throw new Error(`an upcaster for ${type} v${fromVersion} is already registered`);
    this.steps.set(key, upcast);
    return this;
  }

  /** The event's domain form at the current schema version; throws when it cannot get there. */
  upcast(e: RecordedEvent): DomainEvent {
    const target = currentVersionOf(e.type);
    if (target === undefined) throw new UnknownEventVersionError(e.type, e.schemaVersion, e.stream, e.revision);
    let data: unknown = e.data;
    for (let v = e.schemaVersion; v < target; v++) {
      const step = this.steps.get(`${e.type}@${v}`);
      if (!step) throw new UnknownEventVersionError(e.type, e.schemaVersion, e.stream, e.revision);
      data = step(data);
    }
    if (e.schemaVersion > target) throw new UnknownEventVersionError(e.type, e.schemaVersion, e.stream, e.revision);
    // Data plainly valid is checked without zod: metric events (most of a history) by their own check, the others by one built from their schema.
    const fast = plainlyValidMetricData(e.type, data) ?? this.checkerOf(e.type as EventType)?.(data);
    if (fast !== undefined) return { type: e.type, data: fast } as DomainEvent;
    // The type's own schema (not the union): same verdict, no dispatch or wrapper object per event.
    const parsed = eventSchemas[e.type as EventType].safeParse(data);
    if (!parsed.success) {
      throw new InvalidEventDataError(e.stream, e.revision, parsed.error.issues.map((i) => `${['data', ...i.path].join('.')}: ${i.message}`).join('; '));
    }
    return { type: e.type, data: parsed.data } as DomainEvent;
  }

  private checkerOf(type: EventType): ((data: unknown) => unknown) | null {
    let checker = this.checkers.get(type);
    if (checker === undefined) {
      checker = eventDataChecker(eventSchemas[type]) ?? null;
      this.checkers.set(type, checker);
    }
    return checker;
  }
}

/** The registry with every upcaster dotscience ships (none yet: every type is at v1). */
export const defaultUpcasters = new UpcasterRegistry();
