import { expect, it } from 'vitest';
import { GENESIS_HASH, RecordedEventSchema, type NewEvent, type RecordedEvent } from '../../events/envelope.js';
import { verifyChain } from '../../events/hash-chain.js';
import { InvalidInputError } from '../../errors/store-errors.js';
import type { ContractSubject } from './contract-subject.js';
import { expectConflict } from './revision-conflict.js';
import { collect, idsOf, newEvent, newEvents, positionsOf, strictlyIncreasing } from './sample-events.js';

const richMeta: NewEvent['meta'] = {
  correlationId: 'corr-1',
  causationId: 'cause-1',
  actor: { user: 'ada', host: 'lab-01' },
  sdkVersion: '0.1.0',
};

/** The fields a writer proposes, as they must come back from the store. */
const proposed = (e: NewEvent) => ({ id: e.id, type: e.type, schemaVersion: e.schemaVersion, data: e.data, meta: e.meta });

export function appendAndReadContract(subject: ContractSubject): void {
  it('records appended events with their data and meta, 0-based revisions, increasing positions, recordedAt and a verifiable hash chain', async () => {
    const { store } = subject;
    const written: NewEvent[] = [
      newEvent('RunStarted', { runId: 'r1', nested: { list: [1, 2.5, -3, 'x', true, null, { deep: 'é' }] }, empty: '' }, richMeta),
      { ...newEvent('ParameterRecorded', { name: 'lr', value: 0.001 }, {}), schemaVersion: 3 },
      newEvent('MetricRecorded', { name: 'loss', value: 1e-9, step: 0 }, { correlationId: 'corr-1' }),
    ];
    const result = await store.append('run-round-trip', written, { expectedRevision: 'no_stream' });

    expect(result.events.map(proposed)).toEqual(written.map(proposed));
    expect(result.events.map((e) => e.stream)).toEqual(['run-round-trip', 'run-round-trip', 'run-round-trip']);
    expect(result.events.map((e) => e.revision)).toEqual([0, 1, 2]);
    expect(strictlyIncreasing(positionsOf(result.events))).toBe(true);
    expect(result.nextExpectedRevision).toBe(2);
    expect(result.position).toBe(result.events[2]!.position);
    for (const e of result.events) {
      expect(RecordedEventSchema.safeParse(e).success, `envelope of revision ${e.revision}`).toBe(true);
      expect(Number.isNaN(Date.parse(e.recordedAt))).toBe(false);
    }
    expect(result.events[0]!.prevHash).toBe(GENESIS_HASH);
    expect(result.events[1]!.prevHash).toBe(result.events[0]!.hash);
    expect(result.events[2]!.prevHash).toBe(result.events[1]!.hash);

    expect(await collect(store.readStream('run-round-trip'))).toEqual(result.events);
    const all = await collect(store.readAll());
    expect(all).toEqual(result.events);
    expect(verifyChain(all)).toEqual({ ok: true, streams: 1, events: 3 });
  });

  it('continues a stream where it ended: the next append takes the next revisions and links to the head hash', async () => {
    const { store } = subject;
    const first = await store.append('run-continued', newEvents(2, 'first'), { expectedRevision: 'no_stream' });
    await store.append('run-other', newEvents(1, 'other'), { expectedRevision: 'no_stream' });
    const second = await store.append('run-continued', newEvents(3, 'second'), { expectedRevision: 1 });

    expect(second.events.map((e) => e.revision)).toEqual([2, 3, 4]);
    expect(second.nextExpectedRevision).toBe(4);
    expect(second.events[0]!.prevHash).toBe(first.events[1]!.hash);
    expect(second.events[0]!.position).toBeGreaterThan(first.position);
    const stream = await collect(store.readStream('run-continued'));
    expect(stream).toEqual([...first.events, ...second.events]);
    expect(verifyChain(await collect(store.readAll()))).toEqual({ ok: true, streams: 2, events: 6 });
  });

  it('accepts an empty append: nothing is written, the expectation is still checked', async () => {
    const { store } = subject;
    const none = await store.append('run-empty', [], { expectedRevision: 'no_stream' });
    expect(none.nextExpectedRevision).toBe(-1);
    expect(none.events).toEqual([]);
    expect(await collect(store.readStream('run-empty'))).toEqual([]);

    await store.append('run-empty', newEvents(2), { expectedRevision: 'no_stream' });
    const still = await store.append('run-empty', [], { expectedRevision: 1 });
    expect(still.nextExpectedRevision).toBe(1);
    expect(still.events).toEqual([]);
    await expectConflict(store.append('run-empty', [], { expectedRevision: 7 }), { stream: 'run-empty', expected: 7, actual: 1 });
    expect(await collect(store.readAll())).toHaveLength(2);
  });

  it('writes a multi-event append all or nothing: one invalid event refuses the whole batch', async () => {
    const { store } = subject;
    await store.append('run-atomic', newEvents(1, 'before'), { expectedRevision: 'no_stream' });
    const batch: NewEvent[] = [...newEvents(3, 'batch'), { ...newEvent(), id: 'not-a-uuid' }, ...newEvents(1, 'batch', 4)];

    const refused = await store.append('run-atomic', batch, { expectedRevision: 0 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(InvalidInputError);
    expect((refused as Error).message).toContain('run-atomic');
    expect(await collect(store.readStream('run-atomic'))).toHaveLength(1);
    expect(await collect(store.readAll())).toHaveLength(1);

    const valid = await store.append('run-atomic', newEvents(5, 'batch'), { expectedRevision: 0 });
    expect(valid.events.map((e) => e.revision)).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps each multi-event append contiguous in global order while other streams append concurrently', async () => {
    const { store } = subject;
    const streams = ['run-c0', 'run-c1', 'run-c2', 'run-c3'];
    const batches = streams.flatMap((s) => [0, 1, 2].map((k) => ({ stream: s, events: newEvents(5, `${s}/${k}`) })));
    const results = await Promise.all(batches.map((b) => store.append(b.stream, b.events, { expectedRevision: 'any' })));

    const all = await collect(store.readAll());
    expect(all).toHaveLength(60);
    const at = new Map(all.map((e, i) => [e.id, i]));
    for (const r of results) {
      const indexes = r.events.map((e) => at.get(e.id)!);
      expect(indexes).toEqual(Array.from({ length: 5 }, (_, i) => indexes[0]! + i));
    }
    for (const s of streams) {
      expect((await collect(store.readStream(s))).map((e) => e.revision)).toEqual(Array.from({ length: 15 }, (_, i) => i));
    }
    expect(verifyChain(all)).toEqual({ ok: true, streams: 4, events: 60 });
  });

  it('reads a stream from a revision, at most maxCount events', async () => {
    const { store } = subject;
    const { events } = await store.append('run-paged', newEvents(10), { expectedRevision: 'no_stream' });
    const revisions = async (options: { fromRevision?: number; maxCount?: number }) =>
      (await collect(store.readStream('run-paged', options))).map((e) => e.revision);

    expect(await revisions({})).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await revisions({ fromRevision: 3 })).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(await revisions({ fromRevision: 3, maxCount: 4 })).toEqual([3, 4, 5, 6]);
    expect(await revisions({ maxCount: 2 })).toEqual([0, 1]);
    expect(await revisions({ fromRevision: 8, maxCount: 10 })).toEqual([8, 9]);
    expect(await revisions({ fromRevision: 10 })).toEqual([]);
    expect(await revisions({ fromRevision: 2, maxCount: 0 })).toEqual([]);
    expect(await collect(store.readStream('run-paged', { fromRevision: 4, maxCount: 1 }))).toEqual([events[4]]);
  });

  it('reads nothing from a stream that does not exist', async () => {
    const { store } = subject;
    expect(await collect(store.readStream('run-missing'))).toEqual([]);
    await store.append('run-present', newEvents(2), { expectedRevision: 'no_stream' });
    expect(await collect(store.readStream('run-missing'))).toEqual([]);
    expect(await collect(store.readStream('run-present-not'))).toEqual([]);
    expect(await collect(store.readStream('run-pres'))).toEqual([]);
  });

  it('reads all streams in global order, from a position (inclusive), at most maxCount events', async () => {
    const { store } = subject;
    expect(await collect(store.readAll())).toEqual([]);
    const plan: Array<[string, number]> = [
      ['run-a', 2],
      ['run-b', 1],
      ['run-a', 1],
      ['run-c', 3],
      ['run-b', 2],
    ];
    const appended: RecordedEvent[] = [];
    for (const [stream, count] of plan) appended.push(...(await store.append(stream, newEvents(count, stream), { expectedRevision: 'any' })).events);

    const all = await collect(store.readAll());
    expect(all).toEqual(appended);
    expect(strictlyIncreasing(positionsOf(all))).toBe(true);

    const p = positionsOf(appended);
    expect(idsOf(await collect(store.readAll({ fromPosition: p[3]! })))).toEqual(idsOf(appended.slice(3)));
    expect(idsOf(await collect(store.readAll({ fromPosition: p[3]!, maxCount: 3 })))).toEqual(idsOf(appended.slice(3, 6)));
    expect(idsOf(await collect(store.readAll({ maxCount: 2 })))).toEqual(idsOf(appended.slice(0, 2)));
    expect(idsOf(await collect(store.readAll({ fromPosition: p[8]! })))).toEqual([appended[8]!.id]);
    expect(await collect(store.readAll({ fromPosition: p[8]! + 1 }))).toEqual([]);
    expect(await collect(store.readAll({ fromPosition: p[1]!, maxCount: 0 }))).toEqual([]);
  });

  it("keeps stream names with '/', ':', spaces, case and unicode apart and intact", async () => {
    const { store } = subject;
    const names = [
      'dataset-images/train/2024',
      'model-team:resnet:v1',
      'run-ünïcødé-数据-🚀',
      'run-a',
      'run-a/b',
      'run-A',
      'project-../../outside',
      'dataset-with space',
    ];
    for (const [i, name] of names.entries()) {
      await store.append(name, newEvents(i % 2 === 0 ? 1 : 2, name), { expectedRevision: 'no_stream' });
    }
    for (const [i, name] of names.entries()) {
      const events = await collect(store.readStream(name));
      expect(
        events.map((e) => e.stream),
        name,
      ).toEqual(Array(i % 2 === 0 ? 1 : 2).fill(name));
      expect(
        events.map((e) => e.data),
        name,
      ).toEqual(events.map((_, n) => ({ label: name, n })));
    }
    const all = await collect(store.readAll());
    expect(new Set(all.map((e) => e.stream))).toEqual(new Set(names));
    expect(verifyChain(all)).toEqual({ ok: true, streams: names.length, events: 12 });
  });

  it('records -0 in data as 0 (JSON has no negative zero): the append answers what every read gives back', async () => {
    const { store } = subject;
    const result = await store.append('run-negative-zero', [newEvent('MetricRecorded', { name: 'bias', value: -0, series: [-0, 1] })]);
    const answered = result.events[0]!.data as { value: number; series: number[] };
    const [read] = await collect(store.readStream('run-negative-zero'));
    const stored = read!.data as { value: number; series: number[] };
    for (const data of [answered, stored]) {
      expect(Object.is(data.value, 0)).toBe(true);
      expect(Object.is(data.series[0], 0)).toBe(true);
    }
    expect(read).toEqual(result.events[0]);
  });

  it('round-trips a large payload (1 MB of mixed-width characters) and the event after it', async () => {
    const { store } = subject;
    const text = 'ab€😀\u0000"\\\n'.repeat(Math.ceil((1024 * 1024) / 10));
    const large = newEvent('LargePayload', { text, size: text.length });
    const after = newEvent('AfterLarge', { n: 1 });
    await store.append('dataset-large', [large], { expectedRevision: 'no_stream' });
    await store.append('dataset-large', [after], { expectedRevision: 0 });

    const [read, next] = await collect(store.readStream('dataset-large'));
    expect((read!.data as { text: string }).text.length).toBe(text.length);
    expect(read!.data).toEqual(large.data);
    expect(next!.data).toEqual(after.data);
    expect(verifyChain(await collect(store.readAll()))).toEqual({ ok: true, streams: 1, events: 2 });
  });
}
