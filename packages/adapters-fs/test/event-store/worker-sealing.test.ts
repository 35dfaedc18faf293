import { beforeEach, describe, expect, it } from 'vitest';
import { InvalidInputError, verifyChain, WrongExpectedRevisionError, type JsonValue, type NewEvent } from '@dotscience/core';
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

  it("given a large append being sealed, when the same events are appended again at once (a retry), then the retry answers with the first append's events and nothing is written twice", async () => {
    const big = batch(300);
    const [first, retry] = await Promise.all([subject.store.append('run-a', big), subject.store.append('run-a', big)]);
    expect(retry).toEqual(first);
    expect(subject.store.eventCount).toBe(300);
  });

  it("given a large append recorded already, when it is appended again while another large append is being sealed, then the retry answers with the first append's events and a repeated id is refused, writing nothing", async () => {
    const big = batch(300);
    const first = await subject.store.append('run-a', big); // expected revision 'any': a retry meets it too
    const sealing = subject.store.append('run-c', batch(300, 5000));
    expect(await subject.store.append('run-a', big)).toEqual(first);
    const repeating = batch(300, 1000);
    repeating[299] = { ...repeating[299]!, id: repeating[3]!.id };
    await expect(subject.store.append('run-b', repeating)).rejects.toThrow(/already|recorded|duplicate|twice|more than once/i);
    await sealing;
    expect(subject.store.eventCount).toBe(600);
    const next = await subject.store.append('run-a', batch(300, 2000), { expectedRevision: 299 });
    expect(next.events[0]!.revision).toBe(300);
  });

  it('given large appends whose event 7 answers its id with one already recorded at one read (the 1st, 2nd, 3rd or 4th) and a fresh one at every other, when appended, then no id is ever recorded twice (the ids checked are the ids parsed)', async () => {
    const first = await subject.store.append('run-a', batch(300));
    const recorded = first.events[0]!.id;
    for (let k = 0; k < 4; k++) {
      const big: NewEvent[] = batch(300, 1000 * (k + 1));
      let reads = 0;
      const fresh = big[7]!.id;
      big[7] = Object.defineProperty({ ...big[7]! }, 'id', { enumerable: true, get: () => (reads++ === k ? recorded : fresh) });
      await subject.store.append(`run-b${k}`, big).catch(() => undefined); // refused (the id parsed is recorded) or recorded with the fresh id
    }
    const ids = (await collect(subject.store.readAll())).map((e) => e.id);
    expect(ids.filter((id) => id === recorded)).toHaveLength(1);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('given a large append whose event 420 is invalid, when appended, then it is refused naming that event, nothing of it is written, and the next append starts the stream', async () => {
    await subject.store.append('run-other', batch(3, 9000));
    const big: NewEvent[] = batch(450);
    big[420] = { ...big[420]!, data: { value: Number.POSITIVE_INFINITY } as unknown as JsonValue };
    const refused = await subject.store.append('run-a', big, { expectedRevision: 'no_stream' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(InvalidInputError);
    expect((refused as Error).message).toContain('event 420 appended to run-a');
    expect(subject.store.eventCount).toBe(3);
    expect(await collect(subject.store.readStream('run-a'))).toEqual([]);
    const next = await subject.store.append('run-a', batch(200, 500), { expectedRevision: 'no_stream' });
    expect(next.events[0]!.revision).toBe(0);
    await subject.store.close();
    subject.store = await FsEventStore.open(subject.dir, { sealOnWorkerFromEvents: 100 });
    expect(verifyChain(await collect(subject.store.readAll()))).toEqual({ ok: true, streams: 2, events: 203 });
  });

  it('given a large append with an invalid event and a stale expected revision, when appended, then the invalid event is reported (events are parsed before revisions are compared)', async () => {
    await subject.store.append('run-a', batch(5));
    const big: NewEvent[] = batch(300, 100);
    big[299] = { ...big[299]!, schemaVersion: 0 };
    await expect(subject.store.append('run-a', big, { expectedRevision: 1 })).rejects.toThrow(InvalidInputError);
    await expect(subject.store.append('run-a', batch(300, 100), { expectedRevision: 1 })).rejects.toThrow(WrongExpectedRevisionError);
    expect(subject.store.eventCount).toBe(5);
  });

  it('given a large append durable already, when it is appended again (a retry) or one of its ids comes again in another large append, then the retry answers as the first append did and the repeated id is refused, writing nothing', async () => {
    const big = batch(300);
    const first = await subject.store.append('run-a', big, { expectedRevision: 'no_stream' });
    expect(await subject.store.append('run-a', big, { expectedRevision: 'no_stream' })).toEqual(first);
    const repeating = batch(300, 1000);
    repeating[150] = { ...repeating[150]!, id: big[10]!.id };
    await expect(subject.store.append('run-b', repeating)).rejects.toThrow(/already|recorded|duplicate/i);
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
