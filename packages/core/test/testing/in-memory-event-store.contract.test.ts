import { eventStoreContract } from '../../src/testing/event-store-contract.js';
import { InMemoryEventStore } from '../../src/testing/in-memory-event-store.js';

eventStoreContract('InMemoryEventStore', async () => {
  const store = new InMemoryEventStore();
  return { store, cleanup: () => store.close() };
});
