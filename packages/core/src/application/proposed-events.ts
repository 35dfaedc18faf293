import { currentSchemaVersion, type DomainEvent } from '../events/catalogue.js';
import type { EventMeta, NewEvent, RecordedEvent } from '../events/envelope.js';
import { defaultUpcasters, type UpcasterRegistry } from '../events/upcasting.js';
import type { EventStore } from '../ports/event-store.js';
import type { IdGenerator } from '../ports/id-generator.js';

/** Wrap decided domain events as the envelopes `EventStore.append` takes: a fresh id each, the current schema version, one shared meta. */
export function proposeEvents(events: readonly DomainEvent[], ids: IdGenerator, meta: EventMeta): NewEvent[] {
  const proposed: NewEvent[] = new Array(events.length);
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    proposed[i] = { id: ids.newId(), type: e.type, schemaVersion: currentSchemaVersion[e.type], data: e.data, meta };
  }
  return proposed;
}

export interface StreamHistory {
  /** The stream's events from the requested revision, upcast to their current schema. */
  events: DomainEvent[];
  /** The last event read, if any (its revision and hash). */
  last: RecordedEvent | undefined;
}

/** Read a stream (from a revision on) as domain events. */
export async function readHistory(store: EventStore, stream: string, fromRevision = 0, upcasters: UpcasterRegistry = defaultUpcasters): Promise<StreamHistory> {
  const events: DomainEvent[] = [];
  let last: RecordedEvent | undefined;
  for await (const recorded of store.readStream(stream, { fromRevision })) {
    events.push(upcasters.upcast(recorded));
    last = recorded;
  }
  return { events, last };
}
