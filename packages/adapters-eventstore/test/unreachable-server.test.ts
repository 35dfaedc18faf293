import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EventStoreDbEventStore, EventStoreUnreachableError } from '../src/index.js';

/** Nothing listens on port 1: every round trip fails as the client's UnavailableError, which the store names as a typed error. */
describe('EventStoreDbEventStore with no server listening', () => {
  it('fails reads, appends and subscriptions with EventStoreUnreachableError naming the URL without its credentials', async () => {
    const store = EventStoreDbEventStore.connect('kurrentdb://admin:secret@127.0.0.1:1?tls=false');
    try {
      const events = store.readAll();
      const read = await events[Symbol.asyncIterator]()
        .next()
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(read).toBeInstanceOf(EventStoreUnreachableError);
      expect((read as Error).message).toMatch(/cannot reach KurrentDB at kurrentdb:\/\/127\.0\.0\.1:1\?tls=false — check the URL/);
      expect((read as Error).message).not.toContain('secret');
      await expect(store.readStream('run-1')[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(EventStoreUnreachableError);
      await expect(store.append('run-1', [{ id: randomUUID(), type: 'Thing', schemaVersion: 1, data: {}, meta: {} }])).rejects.toBeInstanceOf(
        EventStoreUnreachableError,
      );
      const subscribed = await new Promise<unknown>((resolve) => store.subscribe().subscribe({ error: resolve, complete: () => resolve(undefined) }));
      expect(subscribed).toBeInstanceOf(EventStoreUnreachableError);
    } finally {
      await store.close();
    }
  });
});
