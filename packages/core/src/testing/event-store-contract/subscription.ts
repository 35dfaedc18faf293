import { expect, it } from 'vitest';
import type { RecordedEvent } from '../../events/envelope.js';
import type { AppendResult, EventStore } from '../../ports/event-store.js';
import type { ContractSubject } from './contract-subject.js';
import { collect, idsOf, newEvent, newEvents, positionsOf, strictlyIncreasing } from './sample-events.js';
import { SubscriptionProbe } from './subscription-probe.js';

/**
 * Append a marker and wait until the probe has it: whatever the store was going to
 * deliver before it has then arrived, so the probe's list can be compared whole.
 */
async function drain(store: EventStore, probe: SubscriptionProbe): Promise<RecordedEvent[]> {
  const marker = (await store.append('run-subscription-marker', [newEvent('Marker')], { expectedRevision: 'any' })).events[0]!;
  while (!probe.received.some((e) => e.id === marker.id)) await probe.waitFor(probe.received.length + 1);
  return [...probe.received];
}

/** Delivered exactly once each, in position order, and nothing the log does not have from `fromPosition`. */
async function expectSameAsLog(store: EventStore, received: RecordedEvent[], fromPosition = 0): Promise<void> {
  const log = await collect(store.readAll({ fromPosition }));
  expect(new Set(idsOf(received)).size).toBe(received.length);
  expect(strictlyIncreasing(positionsOf(received))).toBe(true);
  expect(idsOf(received)).toEqual(idsOf(log));
  expect(received).toEqual(log);
}

export function subscriptionContract(subject: ContractSubject): void {
  it('delivers the history, then live appends, in position order', async () => {
    const { store } = subject;
    await store.append('run-sub-a', newEvents(3, 'history'), { expectedRevision: 'no_stream' });
    await store.append('run-sub-b', newEvents(2, 'history'), { expectedRevision: 'no_stream' });
    const probe = new SubscriptionProbe(store.subscribe());
    try {
      expect(idsOf(await probe.waitFor(5))).toEqual(idsOf(await collect(store.readAll())));
      await store.append('run-sub-a', newEvents(2, 'live'), { expectedRevision: 2 });
      await store.append('run-sub-c', newEvents(1, 'live'), { expectedRevision: 'no_stream' });
      await probe.waitFor(8);
      await expectSameAsLog(store, await drain(store, probe));
    } finally {
      probe.unsubscribe();
    }
  });

  it('delivers events appended during catch-up exactly once, in position order, with no gap at the seam', async () => {
    const { store } = subject;
    for (let batch = 0; batch < 20; batch++) {
      await store.append(`run-seam-${batch % 3}`, newEvents(10, `history-${batch}`), { expectedRevision: 'any' });
    }
    const during: Array<Promise<AppendResult>> = [];
    const probe = new SubscriptionProbe(store.subscribe(), (_event, index) => {
      if (index === 5) {
        during.push(store.append('run-seam-0', newEvents(1, 'during')), store.append('run-seam-live', newEvents(3, 'during')));
      }
      if (index === 150) during.push(store.append('run-seam-1', newEvents(2, 'during-late'), { expectedRevision: 'stream_exists' }));
    });
    try {
      await probe.waitFor(206);
      await Promise.all(during);
      expect(during).toHaveLength(3);
      await expectSameAsLog(store, await drain(store, probe));
    } finally {
      probe.unsubscribe();
    }
  });

  it('delivers every event once, in order, to an observer that appends while handling events', async () => {
    const { store } = subject;
    const reactions: Array<Promise<AppendResult>> = [];
    const probe = new SubscriptionProbe(store.subscribe(), (event) => {
      const n = (event.data as { n?: number }).n ?? 0;
      if (event.type === 'Ping' && n < 10) reactions.push(store.append('run-reactor', [newEvent('Ping', { n: n + 1 })]));
    });
    try {
      await store.append('run-reactor', [newEvent('Ping', { n: 0 }), newEvent('Pinged', { n: 0 })], { expectedRevision: 'no_stream' });
      await probe.waitFor(12);
      await Promise.all(reactions);
      expect(reactions).toHaveLength(10);
      const received = await drain(store, probe);
      await expectSameAsLog(store, received);
      expect(received.filter((e) => e.type === 'Pinged')).toHaveLength(1);
    } finally {
      probe.unsubscribe();
    }
  });

  it('starts at fromPosition (inclusive) in the middle of the history, and goes live', async () => {
    const { store } = subject;
    const { events } = await store.append('run-from', newEvents(6, 'history'), { expectedRevision: 'no_stream' });
    const from = events[2]!.position;
    const probe = new SubscriptionProbe(store.subscribe({ fromPosition: from }));
    try {
      expect(idsOf(await probe.waitFor(4))).toEqual(idsOf(events.slice(2)));
      await store.append('run-from', newEvents(2, 'live'), { expectedRevision: 5 });
      await expectSameAsLog(store, await drain(store, probe), from);
    } finally {
      probe.unsubscribe();
    }
  });

  it('from the position after the last event, delivers only live events', async () => {
    const { store } = subject;
    const history = await store.append('run-live-only', newEvents(3, 'history'), { expectedRevision: 'no_stream' });
    const from = history.position + 1;
    const probe = new SubscriptionProbe(store.subscribe({ fromPosition: from }));
    try {
      const live = await store.append('run-live-only', newEvents(2, 'live'), { expectedRevision: 2 });
      expect(idsOf(await probe.waitFor(2))).toEqual(idsOf(live.events));
      await expectSameAsLog(store, await drain(store, probe), from);
    } finally {
      probe.unsubscribe();
    }
  });

  it('feeds several subscribers independently, each the whole sequence', async () => {
    const { store } = subject;
    await store.append('run-fanout', newEvents(4, 'history'), { expectedRevision: 'no_stream' });
    const early = new SubscriptionProbe(store.subscribe());
    await store.append('run-fanout', newEvents(3, 'between'), { expectedRevision: 3 });
    const late = new SubscriptionProbe(store.subscribe());
    try {
      await store.append('run-fanout-2', newEvents(2, 'live'), { expectedRevision: 'no_stream' });
      await expectSameAsLog(store, await drain(store, early));
      await expectSameAsLog(store, await drain(store, late));
    } finally {
      early.unsubscribe();
      late.unsubscribe();
    }
  });

  it('stops delivering once unsubscribed', async () => {
    const { store } = subject;
    await store.append('run-unsub', newEvents(1, 'history'), { expectedRevision: 'no_stream' });
    const leaving = new SubscriptionProbe(store.subscribe());
    await leaving.waitFor(1);
    leaving.unsubscribe();
    expect(leaving.closed).toBe(true);

    const after = await store.append('run-unsub', newEvents(3, 'after'), { expectedRevision: 0 });
    const staying = new SubscriptionProbe(store.subscribe({ fromPosition: after.events[0]!.position }));
    try {
      await drain(store, staying);
      // Give the left subscription the same chance again before looking.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(idsOf(leaving.received)).toEqual(idsOf((await collect(store.readAll())).slice(0, 1)));
    } finally {
      staying.unsubscribe();
    }
  });

  it('closing the store completes its subscriptions and refuses further appends and reads', async () => {
    const { store } = subject;
    await store.append('run-closing', newEvents(2, 'history'), { expectedRevision: 'no_stream' });
    const probe = new SubscriptionProbe(store.subscribe());
    await probe.waitFor(2);
    await store.close();

    expect(await probe.ended()).toBe('complete');
    expect(probe.received).toHaveLength(2);
    await expect(store.append('run-closing', newEvents(1), { expectedRevision: 1 })).rejects.toThrow();
    await expect((async () => collect(store.readAll()))()).rejects.toThrow();
    await expect((async () => collect(store.readStream('run-closing')))()).rejects.toThrow();
  });
}
