import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { firstValueFrom, take, toArray } from 'rxjs';
import { WrongExpectedRevisionError, InvalidInputError, verifyChain } from '@dotscience/core';
import { FsEventStore, ReadOnlyEventStoreError, EventStoreClosedError } from '../../src/event-store/index.js';
import { collect, idsOf, metricEvent, tempStoreDir } from './fixtures.js';

describe('FsEventStore', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let store: FsEventStore;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempStoreDir());
    store = await FsEventStore.open(dir);
  });
  afterEach(async () => {
    await store.close();
    await cleanup();
  });

  it('given 3,000 appends issued in one tick (one group commit: more buffers than one writev takes), when reopened, then every one is there, in order, and the chain verifies', async () => {
    const appended = await Promise.all(Array.from({ length: 3000 }, (_, i) => store.append(`run-${i % 7}`, [metricEvent(i)])));
    await store.close();
    store = await FsEventStore.open(dir);
    const all = await collect(store.readAll());
    expect(all.map((e) => e.id)).toEqual(appended.map((r) => r.events[0]!.id));
    expect(verifyChain(all)).toEqual({ ok: true, streams: 7, events: 3000 });
  });

  it("given appends a few milliseconds apart, when recorded, then each recordedAt is the system clock's time of its own append", async () => {
    const times: Array<{ before: number; recordedAt: string; after: number }> = [];
    for (let i = 0; i < 3; i++) {
      const before = Date.now();
      const { events } = await store.append('run-clock', [metricEvent(i)]);
      times.push({ before, recordedAt: events[0]!.recordedAt, after: Date.now() });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    for (const { before, recordedAt, after } of times) {
      expect(new Date(recordedAt).toISOString()).toBe(recordedAt);
      expect(Date.parse(recordedAt)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(recordedAt)).toBeLessThanOrEqual(after);
    }
    expect(new Set(times.map((t) => t.recordedAt)).size).toBe(3);
  });

  it('given appends to two streams, when reopened, then every event, revision, position and hash is read back from disk', async () => {
    await store.append('run-a', [metricEvent(0), metricEvent(1)], { expectedRevision: 'no_stream' });
    await store.append('run-b', [metricEvent(0)], { expectedRevision: 'no_stream' });
    await store.append('run-a', [metricEvent(2)], { expectedRevision: 1 });
    const before = await collect(store.readAll());
    await store.close();
    store = await FsEventStore.open(dir);
    const after = await collect(store.readAll());
    expect(after).toEqual(before);
    expect(after.map((e) => [e.stream, e.revision, e.position])).toEqual([
      ['run-a', 0, 0],
      ['run-a', 1, 1],
      ['run-b', 0, 2],
      ['run-a', 2, 3],
    ]);
    expect(verifyChain(after)).toEqual({ ok: true, streams: 2, events: 4 });
    expect((await collect(store.readStream('run-a', { fromRevision: 1 }))).map((e) => e.revision)).toEqual([1, 2]);
    expect(await collect(store.readAll({ fromPosition: 2, maxCount: 1 }))).toEqual([before[2]]);
  });

  it('given a stream at revision 0, when appending with expected revision 5, then WrongExpectedRevisionError and nothing is written', async () => {
    await store.append('run-a', [metricEvent(0)]);
    await expect(store.append('run-a', [metricEvent(1)], { expectedRevision: 5 })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(store.eventCount).toBe(1);
  });

  it('given an event that is not a valid NewEvent, when appended, then InvalidInputError naming the stream and nothing is written', async () => {
    const bad = { ...metricEvent(0), id: 'not-a-uuid' };
    await expect(store.append('run-a', [metricEvent(0), bad])).rejects.toThrow(/event 1 appended to run-a.*id/);
    await expect(store.append('run-a', [bad])).rejects.toBeInstanceOf(InvalidInputError);
    expect(store.eventCount).toBe(0);
  });

  it('given events already appended, when the same ids are appended again at the same revision (also after reopen), then nothing is written and the original result is returned', async () => {
    const events = [metricEvent(0), metricEvent(1)];
    const first = await store.append('run-a', events, { expectedRevision: 'no_stream' });
    expect(await store.append('run-a', events, { expectedRevision: 'no_stream' })).toEqual(first);
    await store.close();
    store = await FsEventStore.open(dir);
    expect(await store.append('run-a', events, { expectedRevision: 'no_stream' })).toEqual(first);
    expect(await store.append('run-a', events)).toEqual(first);
    expect(store.eventCount).toBe(2);
    await expect(store.append('run-a', [events[0]!, metricEvent(9)])).rejects.toBeInstanceOf(WrongExpectedRevisionError);
  });

  it('given a retry issued while the original append is still being written, then both resolve to the same single record', async () => {
    const events = [metricEvent(0)];
    const [a, b] = await Promise.all([store.append('run-a', events), store.append('run-a', events)]);
    expect(b).toEqual(a);
    expect(store.eventCount).toBe(1);
  });

  it('given many concurrent appends to one stream, then each gets its own revision and the chain verifies', async () => {
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => store.append('run-a', [metricEvent(i)])));
    expect(new Set(results.map((r) => r.nextExpectedRevision)).size).toBe(200);
    const all = await collect(store.readAll());
    expect(all).toHaveLength(200);
    expect(verifyChain(all).ok).toBe(true);
  });

  it('given a small segment size, when many events are appended, then the log spans several segments and reads back in order', async () => {
    await store.close();
    store = await FsEventStore.open(dir, { segmentMaxBytes: 2048 });
    for (let i = 0; i < 60; i++) await store.append(`run-${i % 3}`, [metricEvent(i)]);
    await store.close();
    store = await FsEventStore.open(dir, { segmentMaxBytes: 2048 });
    const all = await collect(store.readAll());
    expect(all.map((e) => e.position)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(verifyChain(all).ok).toBe(true);
    expect(await collect(store.readAll({ fromPosition: 41 }))).toEqual(all.slice(41));
  });

  it('given history, when subscribing from a position, then it emits history then live appends with no gap and no duplicate', async () => {
    for (let i = 0; i < 5; i++) await store.append('run-a', [metricEvent(i)]);
    const seen = firstValueFrom(store.subscribe({ fromPosition: 2 }).pipe(take(8), toArray()));
    const live = Promise.all(Array.from({ length: 5 }, (_, i) => store.append('run-b', [metricEvent(i)])));
    await live;
    expect((await seen).map((e) => e.position)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('given a store opened read-only, then it cannot append and sees what the writer committed', async () => {
    await store.append('run-a', [metricEvent(0)]);
    const reader = await FsEventStore.open(dir, { readOnly: true });
    try {
      await expect(reader.append('run-a', [metricEvent(1)])).rejects.toBeInstanceOf(ReadOnlyEventStoreError);
      await store.append('run-a', [metricEvent(1)]);
      expect((await collect(reader.readStream('run-a'))).map((e) => e.revision)).toEqual([0, 1]);
    } finally {
      await reader.close();
    }
  });

  it('given a closed store, when used, then EventStoreClosedError', async () => {
    await store.close();
    await expect(store.append('run-a', [metricEvent(0)])).rejects.toBeInstanceOf(EventStoreClosedError);
    expect(() => store.readAll()).toThrow(EventStoreClosedError);
  });

  it('given a stream with events, when reading a stream that does not exist, then nothing', async () => {
    await store.append('run-a', [metricEvent(0)]);
    expect(idsOf(await collect(store.readStream('run-zzz')))).toEqual([]);
  });
});
