import { beforeEach, describe, expect, it } from 'vitest';
import { verifyChain, WrongExpectedRevisionError } from '@dotscience/core';
import { FsEventStore } from '../../src/event-store/index.js';
import { collect, idsOf, metricEvent, storePerTest } from './fixtures.js';

const appendedIds = (settled: PromiseSettledResult<{ events: Array<{ id: string }> }>): string[] =>
  settled.status === 'fulfilled' ? settled.value.events.map((e) => e.id) : [];
const batch = (count: number, from = 0) => Array.from({ length: count }, (_, i) => metricEvent(from + i));

describe('FsEventStore: large appends sealed on a worker thread', () => {
  const subject = storePerTest({ sealOnWorkerFromEvents: 100 });
  // Until the worker runs, large appends are sealed here: these tests are about the worker's path.
  beforeEach(async () => {
    expect(await subject.store.startWorker()).toBe(true);
  });

  it('given a large append being sealed, when smaller appends to the same and other streams arrive meanwhile, then each is ordered after it and checked against the head it left', async () => {
    const big = batch(500);
    const appends = [
      subject.store.append('run-a', big, { expectedRevision: 'no_stream' }),
      subject.store.append('run-a', [metricEvent(500)], { expectedRevision: 'no_stream' }), // was true before the large append only
      subject.store.append('run-a', [metricEvent(501)], { expectedRevision: 499 }),
      subject.store.append('run-b', batch(150, 1000)), // another large one, on the worker after the first
      subject.store.append('run-b', [metricEvent(2000)]),
    ] as const;
    const [first, stale, next, other, afterOther] = await Promise.allSettled(appends);
    expect(first.status === 'fulfilled' && first.value.nextExpectedRevision).toBe(499);
    expect(stale.status === 'rejected' && stale.reason).toBeInstanceOf(WrongExpectedRevisionError);
    expect(next.status === 'fulfilled' && next.value.events[0]!.revision).toBe(500);
    expect(other.status === 'fulfilled' && other.value.nextExpectedRevision).toBe(149);
    expect(afterOther.status === 'fulfilled' && afterOther.value.events[0]!.revision).toBe(150);

    await subject.store.close();
    subject.store = await FsEventStore.open(subject.dir, { sealOnWorkerFromEvents: 100 });
    const all = await collect(subject.store.readAll());
    expect(all.map((e) => e.position)).toEqual(all.map((_, i) => i));
    expect(verifyChain(all)).toEqual({ ok: true, streams: 2, events: 652 });
    expect(idsOf(await collect(subject.store.readStream('run-a')))).toEqual([...big.map((e) => e.id), appendedIds(next)[0]]);
  });

  it('given a large append being sealed, when the same events are appended again at once (a retry), then the retry answers with the first append\'s events and nothing is written twice', async () => {
    const big = batch(300);
    const [first, retry] = await Promise.all([subject.store.append('run-a', big), subject.store.append('run-a', big)]);
    expect(retry).toEqual(first);
    expect(subject.store.eventCount).toBe(300);
  });

  it('given a large append being sealed, when the store is closed, then the append is made durable first and is there after reopening', async () => {
    const appended = subject.store.append('run-a', batch(400));
    await subject.store.close();
    await appended;
    subject.store = await FsEventStore.open(subject.dir);
    expect(subject.store.eventCount).toBe(400);
    expect(verifyChain(await collect(subject.store.readAll())).ok).toBe(true);
  });
});
