import { randomUUID } from 'node:crypto';
import { eventStoreContract } from '@dotscience/core/testing';
import { describe, it } from 'vitest';
import { EventStoreDbEventStore } from '../src/index.js';

/**
 * The whole EventStore contract against a real KurrentDB server or cluster,
 * when KURRENTDB_CONNECTION_STRING names one (docs/kurrentdb.md has the command).
 * Each test gets a namespace of its own on the shared server: a fresh, empty store.
 */
const connection = process.env.KURRENTDB_CONNECTION_STRING;

if (connection) {
  eventStoreContract('EventStoreDbEventStore', async () => {
    const namespace = `dstest${randomUUID().replaceAll('-', '')}_`;
    let store = EventStoreDbEventStore.connect(connection, { namespace });
    return {
      store,
      reopen: async () => {
        await store.close();
        store = EventStoreDbEventStore.connect(connection, { namespace });
        return store;
      },
      cleanup: () => store.close(),
    };
  });
} else {
  const reason = 'KURRENTDB_CONNECTION_STRING is not set, so there is no KurrentDB server to run it against (see docs/kurrentdb.md)';
  process.stderr.write(`EventStore contract: EventStoreDbEventStore skipped — ${reason}\n`);
  describe('EventStore contract: EventStoreDbEventStore', () => {
    it.skip(`skipped: ${reason}`, () => undefined);
  });
}
