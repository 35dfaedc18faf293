import { randomUUID } from 'node:crypto';
import { afterEach } from 'vitest';
import type { EventType } from '../events/catalogue.js';
import type { JsonValue } from '../events/json.js';
import type { EventStore } from '../ports/event-store.js';
import { eventApplier, initialStateOf, type Projection } from '../projections/projection.js';
import { InMemoryEventStore } from './in-memory-event-store.js';

/** An event of a read model contract's history: its stream, type and data (ids and meta are made when appended). */
export type ContractEvent = { stream: string; type: EventType; data: Record<string, unknown> };

/** A file's version reference whose content is numbered `n`. */
export const versionRef = (n: number) => ({ store: 'fs', digest: `sha256:${n.toString(16).padStart(64, '0')}`, kind: 'file' as const, bytes: 10, files: 1 });
/** The id of run number `n`. */
export const contractRunId = (n: number): string => `0190000${n}-7000-7000-8000-00000000000${n}`;

export async function appendContractEvents(store: EventStore, events: readonly ContractEvent[]): Promise<void> {
  for (const e of events) await store.append(e.stream, [{ id: randomUUID(), type: e.type, schemaVersion: 1, data: e.data as JsonValue, meta: {} }]);
}

/** What `projection` makes of the whole log: the reference a read model answers as. */
export async function projectedState<S>(store: EventStore, projection: Projection<S>): Promise<S> {
  const apply = eventApplier(projection);
  let state = initialStateOf(projection);
  for await (const e of store.readAll()) state = apply(state, e);
  return state;
}

/**
 * A read model contract's `given`: a fresh in-memory log and a model opened on it, the events
 * appended in `steps` parts with a catch-up after each (and one at the end, an empty log's too);
 * the model is cleaned up after each test.
 */
export function caughtUpModels<M extends { catchUp(): Promise<unknown> }>(
  open: (events: EventStore) => Promise<{ model: M; cleanup: () => Promise<void> }>,
): (events: readonly ContractEvent[], steps?: number) => Promise<{ model: M; store: InMemoryEventStore }> {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });
  return async (events, steps = 1) => {
    const store = new InMemoryEventStore();
    const fixture = await open(store);
    cleanup = fixture.cleanup;
    const size = Math.max(1, Math.ceil(events.length / steps));
    for (let from = 0; from < events.length; from += size) {
      await appendContractEvents(store, events.slice(from, from + size));
      await fixture.model.catchUp();
    }
    await fixture.model.catchUp();
    return { model: fixture.model, store };
  };
}
