import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { AppendRefusedError, GatedEventStore, GENESIS_HASH, type DomainEvent, type NewEvent } from '../../src/index.js';
import { InMemoryEventStore } from '../../src/testing/index.js';

/** A domain event as an append proposes it (v1, a fresh id). */
export const proposed = (event: DomainEvent | { type: string; data: unknown }, schemaVersion = 1): NewEvent =>
  ({ id: randomUUID(), type: event.type, schemaVersion, data: event.data, meta: {} }) as NewEvent;

/** An in-memory store behind the gate, and the store itself (to plant what the gate would refuse). */
export function gatedStore(): { gated: GatedEventStore; store: InMemoryEventStore } {
  const store = new InMemoryEventStore(() => '2026-02-01T00:00:00.000Z');
  return { store, gated: new GatedEventStore(store) };
}

/** The seal RunPublished needs after the stream's last event (its hash), as the SDK computes it. */
export async function headOf(store: InMemoryEventStore, stream: string): Promise<string> {
  let head = GENESIS_HASH;
  for await (const e of store.readStream(stream)) head = e.hash;
  return head;
}

/** The AppendRefusedError `pending` ends with; fails the test when it resolves or fails otherwise. */
export async function refusal(pending: Promise<unknown>): Promise<AppendRefusedError> {
  const error = await pending.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the append should have been refused').toBeInstanceOf(AppendRefusedError);
  return error as AppendRefusedError;
}
