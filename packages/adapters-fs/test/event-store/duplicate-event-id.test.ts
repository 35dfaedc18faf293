import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DuplicateEventIdError, verifyChain, WrongExpectedRevisionError } from '@dotscience/core';
import { FsEventStore, INDEX_SNAPSHOT_FILE } from '../../src/event-store/index.js';
import { collect, idsOf, metricEvent, storePerTest } from './fixtures.js';

/** Two pairs of distinct ids whose CRC-32 id prints are equal (found by a birthday search). */
const COLLIDING = [
  ['5f79afd9-9001-4c5e-a0a1-4fe3fc07a3f1', 'ddcfc7bc-58ae-4017-8551-de0d1fdb070a'],
  ['68cf91db-01ef-49bd-9b3e-fc6faa1efbf9', '21b702a3-ca38-4070-a462-cea45b292c44'],
] as const;

async function refusal(append: Promise<unknown>): Promise<DuplicateEventIdError> {
  const error = await append.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(DuplicateEventIdError);
  return error as DuplicateEventIdError;
}

describe('FsEventStore: an event id is recorded at most once', () => {
  const subject = storePerTest();

  it('the colliding ids really share a print (so the tests below exercise the confirmation by id)', () => {
    for (const [a, b] of COLLIDING) {
      expect(a).not.toBe(b);
      expect(crc32(a)).toBe(crc32(b));
    }
  });

  it('given an id whose print matches a committed event of another stream, when appended, then it is recorded (the print match is confirmed by reading the id)', async () => {
    const { store } = subject;
    const [[a, b], [c, d]] = COLLIDING;
    await store.append('run-one', [metricEvent(0, a), metricEvent(1, c)]);
    await store.append('run-two', [metricEvent(0), metricEvent(1, b)]);
    await store.append('run-one', [metricEvent(2, d)]);
    expect(idsOf(await collect(store.readStream('run-two')))).toContain(b);
    expect(idsOf(await collect(store.readStream('run-one')))).toEqual([a, c, d]);
  });

  it('given two ids with one print in one batch, or in appends queued together, when appended, then both are recorded', async () => {
    const { store } = subject;
    const [[a, b], [c, d]] = COLLIDING;
    await store.append('run-batch', [metricEvent(0, a), metricEvent(1), metricEvent(2, b)]);
    const [first, second] = await Promise.all([store.append('run-q1', [metricEvent(0, c)]), store.append('run-q2', [metricEvent(0), metricEvent(1, d)])]);
    expect(first.events[0]!.id).toBe(c);
    expect(second.events[1]!.id).toBe(d);
    expect((await collect(store.readAll())).length).toBe(6);
  });

  it('given an id whose print collides and an id that is recorded, when appended together, then the recorded one is named and nothing is written', async () => {
    const { store } = subject;
    const [[a, b]] = COLLIDING;
    const recorded = metricEvent(0);
    await store.append('run-held', [metricEvent(0, a), recorded]);
    const e = await refusal(store.append('run-new', [metricEvent(0, b), metricEvent(1), recorded], { expectedRevision: 'no_stream' }));
    expect({ id: e.id, index: e.index, existing: e.existing }).toEqual({ id: recorded.id, index: 2, existing: { stream: 'run-held', revision: 1 } });
    expect((await collect(store.readAll())).length).toBe(2);
  });

  it("given a stream whose later event has an id of the same print as an earlier append's first id, when that earlier append is retried, then it is answered from where its id is (the later print match is read and passed over)", async () => {
    const { store } = subject;
    const [[a, b]] = COLLIDING;
    const first = await store.append('run-one', [metricEvent(0, b), metricEvent(1)], { expectedRevision: 'no_stream' });
    await store.append('run-one', [metricEvent(2, a)]);
    expect(await store.append('run-one', [metricEvent(0, b), metricEvent(1, first.events[1]!.id)], { expectedRevision: 'no_stream' })).toEqual(first);
    await expect(store.append('run-one', [metricEvent(0, b), metricEvent(1, a)], { expectedRevision: 'no_stream' })).rejects.toThrow(
      WrongExpectedRevisionError,
    );
    expect(store.eventCount).toBe(3);
  });

  it('given an append whose id print matches a committed event, when it reads that event to confirm, then an append made after it is not held back: it is enqueued first', async () => {
    const { store } = subject;
    const [[a, b]] = COLLIDING;
    await store.append('run-one', [metricEvent(0, a)]);
    const confirming = store.append('run-two', [metricEvent(0, b)]);
    const behind = store.append('run-three', [metricEvent(0)]);
    const [confirmed, after] = await Promise.all([confirming, behind]);
    expect(after.position).toBeLessThan(confirmed.position);
    expect(idsOf(await collect(store.readStream('run-two')))).toEqual([b]);
  });

  it('given a committed append retried, when the retry reads the records it needs, then an append made after it is not held back: it is written first', async () => {
    const { store } = subject;
    const events = Array.from({ length: 50 }, (_, i) => metricEvent(i));
    const first = await store.append('run-one', events, { expectedRevision: 'no_stream' });
    const settled: string[] = [];
    // The retry's records are committed: it reads them (a trip to the thread pool). An append held behind it would be written after that read.
    const retry = store.append('run-one', events, { expectedRevision: 'no_stream' }).then((r) => (settled.push('retry'), r));
    const behind = store.append('run-two', [metricEvent(0)], { durability: 'deferred' }).then((r) => (settled.push('behind'), r));
    expect(await retry).toEqual(first);
    await behind;
    expect(settled).toEqual(['behind', 'retry']);
    expect(store.eventCount).toBe(51);
  });

  it('given a stream with a colliding print after the retried append, when the retry is answered, then each is answered from where its id is', async () => {
    const { store } = subject;
    const [[a, b]] = COLLIDING;
    const first = await store.append('run-one', [metricEvent(0, b), metricEvent(1), metricEvent(2)], { expectedRevision: 'no_stream' });
    await store.append('run-one', [metricEvent(3, a), metricEvent(4)]);
    const retries = await Promise.all(
      [0, 1, 2].map(() =>
        store.append('run-one', [metricEvent(0, b), ...first.events.slice(1).map((e) => ({ ...metricEvent(e.revision), id: e.id }))], {
          expectedRevision: 'no_stream',
        }),
      ),
    );
    for (const retry of retries) expect(retry).toEqual(first);
    expect(store.eventCount).toBe(5);
  });

  it('given two appends of one id whose print matches a committed event, when both read it to confirm, then one is recorded and the other refused naming it', async () => {
    const { store } = subject;
    const [[a, b]] = COLLIDING;
    await store.append('run-one', [metricEvent(0, a)]);
    const results = await Promise.allSettled([store.append('run-two', [metricEvent(0, b)]), store.append('run-three', [metricEvent(0, b)])]);
    const recorded = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(recorded).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toBeInstanceOf(DuplicateEventIdError);
    expect((refused[0] as DuplicateEventIdError).existing).toEqual({ stream: recorded[0]!.events[0]!.stream, revision: 0 });
    expect(idsOf(await collect(store.readAll()))).toEqual([a, b]);
  });

  it('given a store reopened with and without its index snapshot, when an append repeats a recorded id, then it is refused and nothing is written', async () => {
    const recorded = Array.from({ length: 40 }, (_, i) => metricEvent(i));
    await subject.store.append('run-before', recorded);
    for (const snapshot of [true, false]) {
      await subject.store.close();
      if (!snapshot) await rm(join(subject.dir, INDEX_SNAPSHOT_FILE), { force: true });
      const store = (subject.store = await FsEventStore.open(subject.dir));
      expect(store.openReport.indexFromSnapshot).toBe(snapshot);
      const e = await refusal(store.append('run-after', [metricEvent(0), recorded[17]!]));
      expect(e.existing).toEqual({ stream: 'run-before', revision: 17 });
    }
    const all = await collect(subject.store.readAll());
    expect(idsOf(all)).toEqual(idsOf(recorded));
    expect(verifyChain(all).ok).toBe(true);
  });

  it('given a large append sealed on the worker and still queued, when an append repeats one of its ids, then it is refused naming where it is queued', async () => {
    const { store } = subject;
    const large = Array.from({ length: 600 }, (_, i) => metricEvent(i));
    const [recorded, refused] = await Promise.allSettled([
      store.append('run-large', large, { expectedRevision: 'no_stream' }),
      store.append('run-other', [metricEvent(0), large[599]!]),
    ]);
    expect(recorded.status).toBe('fulfilled');
    const e = await refusal(Promise.reject((refused as PromiseRejectedResult).reason));
    expect(e.existing).toEqual({ stream: 'run-large', revision: 599 });
    expect(idsOf(await collect(store.readAll()))).toEqual(idsOf(large));
  });
});
