import { afterEach, beforeEach, describe } from 'vitest';
import type { EventStore } from '../ports/event-store.js';
import { appendAndReadContract } from './event-store-contract/append-and-read.js';
import { concurrentWritersContract } from './event-store-contract/concurrent-writers.js';
import type { ContractSubject, EventStoreFixture } from './event-store-contract/contract-subject.js';
import { duplicateEventIdContract } from './event-store-contract/duplicate-event-id.js';
import { durabilityContract } from './event-store-contract/durability.js';
import { expectedRevisionContract } from './event-store-contract/expected-revision.js';
import { idempotentRetryContract } from './event-store-contract/idempotent-retry.js';
import { subscriptionContract } from './event-store-contract/subscription.js';

export type { EventStoreFixture } from './event-store-contract/contract-subject.js';

/**
 * The EventStore port's contract (DESIGN §3) as vitest tests. Every adapter runs it:
 * `eventStoreContract('FsEventStore', async () => ({ store, reopen, cleanup }))`.
 * The factory is called before each test and must give a fresh, empty store;
 * `cleanup` runs after each test. Without `reopen` the durability tests are skipped.
 */
export function eventStoreContract(name: string, factory: () => Promise<EventStoreFixture>): void {
  describe(`EventStore contract: ${name}`, () => {
    let fixture: EventStoreFixture | undefined;
    let current: EventStore | undefined;

    const subject: ContractSubject = {
      get store(): EventStore {
        if (!current) throw new Error('the EventStore contract has no store outside a test');
        return current;
      },
      get canReopen(): boolean {
        return fixture?.reopen !== undefined;
      },
      async reopen(): Promise<EventStore> {
        if (!fixture?.reopen) throw new Error(`the ${name} fixture gives no reopen`);
        current = await fixture.reopen();
        return current;
      },
    };

    beforeEach(async () => {
      fixture = await factory();
      current = fixture.store;
    });

    afterEach(async () => {
      const done = fixture;
      fixture = undefined;
      current = undefined;
      await done?.cleanup();
    });

    describe('append and read', () => appendAndReadContract(subject));
    describe('expected revision', () => expectedRevisionContract(subject));
    describe('idempotent retry', () => idempotentRetryContract(subject));
    describe('event ids are recorded once', () => duplicateEventIdContract(subject));
    describe('subscribe', () => subscriptionContract(subject));
    describe('concurrent writers', () => concurrentWritersContract(subject));
    describe('durability across reopen', () => durabilityContract(subject));
  });
}
