import { expect, it } from 'vitest';
import { verifyChain } from '../../events/hash-chain.js';
import type { RecordedEvent } from '../../events/envelope.js';
import type { ContractSubject } from './contract-subject.js';
import { expectConflict } from './revision-conflict.js';
import { collect, idsOf, newEvent, newEvents } from './sample-events.js';
import { SubscriptionProbe } from './subscription-probe.js';

const NO_REOPEN = 'the fixture gives no reopen: this store has no durable storage to check';

export function durabilityContract(subject: ContractSubject): void {
  it('keeps every acknowledged event across a reopen; revisions, positions and the chain continue', async (ctx) => {
    if (!subject.canReopen) ctx.skip(NO_REOPEN);
    const before = subject.store;
    await before.append('run-durable', newEvents(3, 'first'), { expectedRevision: 'no_stream' });
    await before.append('dataset-images/train:ünï', newEvents(2, 'names'), { expectedRevision: 'no_stream' });
    await before.append('run-durable', [newEvent('Large', { text: 'x€'.repeat(300_000) })], { expectedRevision: 2 });
    const written = await collect(before.readAll());

    const after = await subject.reopen();
    const reread = await collect(after.readAll());
    expect(reread).toEqual(written);
    expect(await collect(after.readStream('run-durable'))).toEqual(written.filter((e) => e.stream === 'run-durable'));
    expect(verifyChain(reread)).toEqual({ ok: true, streams: 2, events: 6 });

    await expectConflict(after.append('run-durable', newEvents(1), { expectedRevision: 'no_stream' }), {
      stream: 'run-durable',
      expected: 'no_stream',
      actual: 3,
    });
    await expectConflict(after.append('run-durable', newEvents(1), { expectedRevision: 2 }), { stream: 'run-durable', expected: 2, actual: 3 });
    const next = await after.append('run-durable', newEvents(2, 'after'), { expectedRevision: 3 });
    const head = written.filter((e) => e.stream === 'run-durable')[3]!;
    expect(next.events.map((e) => e.revision)).toEqual([4, 5]);
    expect(next.events[0]!.prevHash).toBe(head.hash);
    expect(next.events[0]!.position).toBeGreaterThan(Math.max(...written.map((e) => e.position)));
    expect(verifyChain(await collect(after.readAll()))).toEqual({ ok: true, streams: 2, events: 8 });
  });

  it('keeps every acknowledged concurrent append exactly once across two reopens', async (ctx) => {
    if (!subject.canReopen) ctx.skip(NO_REOPEN);
    const { store } = subject;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => store.append(`run-burst-${i % 5}`, newEvents(1 + (i % 3), `burst-${i}`), { expectedRevision: 'any' })),
    );
    const acknowledged = results.flatMap((r) => r.events);
    await subject.reopen();
    const reopened = await subject.reopen();
    const all = await collect(reopened.readAll());
    expect(new Set(idsOf(all))).toEqual(new Set(idsOf(acknowledged)));
    expect(all).toHaveLength(acknowledged.length);
    const byId = new Map(all.map((e): [string, RecordedEvent] => [e.id, e]));
    for (const e of acknowledged) expect(byId.get(e.id)).toEqual(e);
    expect(verifyChain(all)).toEqual({ ok: true, streams: 5, events: acknowledged.length });
  });

  it('answers a retry of events recorded before a reopen with their original result', async (ctx) => {
    if (!subject.canReopen) ctx.skip(NO_REOPEN);
    const events = newEvents(3, 'before-reopen');
    const original = await subject.store.append('run-retry-durable', events, { expectedRevision: 'no_stream' });
    await subject.store.append('run-retry-durable', newEvents(1, 'later'), { expectedRevision: 2 });

    const after = await subject.reopen();
    expect(await after.append('run-retry-durable', events, { expectedRevision: 'no_stream' })).toEqual(original);
    await expectConflict(after.append('run-retry-durable', [events[0]!, newEvent()], { expectedRevision: 'no_stream' }), {
      stream: 'run-retry-durable',
      expected: 'no_stream',
      actual: 3,
    });
    expect(await collect(after.readStream('run-retry-durable'))).toHaveLength(4);
  });

  it('after a reopen, a subscription replays the history and then goes live', async (ctx) => {
    if (!subject.canReopen) ctx.skip(NO_REOPEN);
    await subject.store.append('run-replayed', newEvents(4, 'history'), { expectedRevision: 'no_stream' });
    const after = await subject.reopen();
    const probe = new SubscriptionProbe(after.subscribe());
    try {
      await probe.waitFor(4);
      const live = await after.append('run-replayed', newEvents(2, 'live'), { expectedRevision: 3 });
      const received = await probe.waitFor(6);
      expect(received.slice(4).map((e) => e.id)).toEqual(idsOf(live.events));
      expect(received).toEqual(await collect(after.readAll()));
    } finally {
      probe.unsubscribe();
    }
  });
}
