import type { EventStore } from '../../ports/event-store.js';

/** What an adapter hands the EventStore contract suite for each test. */
export interface EventStoreFixture {
  /** A fresh, empty store of its own (no other writer touches it during the test). */
  store: EventStore;
  /**
   * Close the store and open the same storage again, for durability checks. Leave it
   * out for a store without durable storage: the durability tests are then skipped.
   */
  reopen?: () => Promise<EventStore>;
  /** Close whichever store is open (the last one `reopen` returned; a test may have closed it already) and remove its storage. */
  cleanup: () => Promise<void>;
}

/** The store under test as each contract section sees it: `store` follows `reopen`. */
export interface ContractSubject {
  readonly store: EventStore;
  readonly canReopen: boolean;
  reopen(): Promise<EventStore>;
}
