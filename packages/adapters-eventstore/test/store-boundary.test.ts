import { randomUUID } from 'node:crypto';
import { DuplicateEventIdError, InvalidInputError } from '@dotscience/core';
import { describe, expect, it } from 'vitest';
import { EventStoreClosedError, EventStoreDbEventStore } from '../src/index.js';

/** What the store decides before it talks to a server: these hold with no server listening (port 1). */
describe('EventStoreDbEventStore before any server round trip', () => {
  const event = () => ({ id: randomUUID(), type: 'Thing', schemaVersion: 1, data: {}, meta: {} });

  it('refuses bad input and streams outside our categories as InvalidInputError naming the field', async () => {
    const store = EventStoreDbEventStore.connect('kurrentdb://127.0.0.1:1?tls=false');
    try {
      await expect(store.append('orders-1', [event()])).rejects.toThrow(InvalidInputError);
      await expect(store.append('run-1', [{ ...event(), id: 'x' }])).rejects.toThrow(/id/);
      await expect(store.append('run-1', [event()], { expectedRevision: -2 })).rejects.toThrow(/expectedRevision/);
    } finally {
      await store.close();
    }
  });

  it('refuses an append repeating an id within itself as DuplicateEventIdError, before any round trip', async () => {
    const store = EventStoreDbEventStore.connect('kurrentdb://127.0.0.1:1?tls=false');
    try {
      const repeated = event();
      const error = await store.append('run-1', [event(), repeated, repeated]).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(DuplicateEventIdError);
      expect(error).toMatchObject({ id: repeated.id, stream: 'run-1', index: 2, existing: { appendIndex: 1 } });
    } finally {
      await store.close();
    }
  });

  it('refuses appends and reads once closed, and completes a subscription made after', async () => {
    const store = EventStoreDbEventStore.connect('esdb://admin:secret@127.0.0.1:1?tls=false');
    await store.close();
    await expect(store.append('run-1', [event()])).rejects.toThrow(EventStoreClosedError);
    await expect(store.append('run-1', [event()])).rejects.not.toThrow(/secret/);
    await expect(store.readAll()[Symbol.asyncIterator]().next()).rejects.toThrow(EventStoreClosedError);
    await expect(store.readStream('run-1')[Symbol.asyncIterator]().next()).rejects.toThrow(EventStoreClosedError);
    const completed = await new Promise<boolean>((resolve) => store.subscribe().subscribe({ complete: () => resolve(true), error: () => resolve(false) }));
    expect(completed).toBe(true);
    await store.close();
  });
});
