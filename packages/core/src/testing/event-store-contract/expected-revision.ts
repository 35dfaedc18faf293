import { expect, it } from 'vitest';
import { InvalidInputError } from '../../errors/store-errors.js';
import type { AppendOptions, EventStore } from '../../ports/event-store.js';
import type { ContractSubject } from './contract-subject.js';
import { expectConflict } from './revision-conflict.js';
import { collect, idsOf, newEvents } from './sample-events.js';

/** Everything in the store, to prove a refused append wrote nothing anywhere. */
const snapshot = async (store: EventStore) => idsOf(await collect(store.readAll()));

export function expectedRevisionContract(subject: ContractSubject): void {
  it('appends when a numeric expected revision equals the last revision, and refuses a stale, future or missing one', async () => {
    const { store } = subject;
    await store.append('run-numeric', newEvents(2), { expectedRevision: 'no_stream' });
    const ok = await store.append('run-numeric', newEvents(1), { expectedRevision: 1 });
    expect(ok.events.map((e) => e.revision)).toEqual([2]);
    const before = await snapshot(store);

    await expectConflict(store.append('run-numeric', newEvents(2), { expectedRevision: 1 }), { stream: 'run-numeric', expected: 1, actual: 2 });
    await expectConflict(store.append('run-numeric', newEvents(1), { expectedRevision: 5 }), { stream: 'run-numeric', expected: 5, actual: 2 });
    await expectConflict(store.append('run-numeric-absent', newEvents(1), { expectedRevision: 0 }), { stream: 'run-numeric-absent', expected: 0, actual: -1 });
    expect(await snapshot(store)).toEqual(before);
    expect(await collect(store.readStream('run-numeric-absent'))).toEqual([]);
  });

  it("takes -1 as the revision of a stream without events, the same as 'no_stream'", async () => {
    const { store } = subject;
    const created = await store.append('run-minus-one', newEvents(1), { expectedRevision: -1 });
    expect(created.events.map((e) => e.revision)).toEqual([0]);
    await expectConflict(store.append('run-minus-one', newEvents(1), { expectedRevision: -1 }), { stream: 'run-minus-one', expected: -1, actual: 0 });
    expect(await collect(store.readStream('run-minus-one'))).toHaveLength(1);
  });

  it("appends with 'no_stream' only to a stream without events", async () => {
    const { store } = subject;
    const created = await store.append('run-fresh', newEvents(2), { expectedRevision: 'no_stream' });
    expect(created.events.map((e) => e.revision)).toEqual([0, 1]);
    const before = await snapshot(store);

    await expectConflict(store.append('run-fresh', newEvents(1), { expectedRevision: 'no_stream' }), { stream: 'run-fresh', expected: 'no_stream', actual: 1 });
    expect(await snapshot(store)).toEqual(before);
  });

  it("appends with 'stream_exists' only to a stream with events", async () => {
    const { store } = subject;
    await expectConflict(store.append('run-exists', newEvents(2), { expectedRevision: 'stream_exists' }), {
      stream: 'run-exists',
      expected: 'stream_exists',
      actual: -1,
    });
    expect(await snapshot(store)).toEqual([]);

    await store.append('run-exists', newEvents(1), { expectedRevision: 'no_stream' });
    const ok = await store.append('run-exists', newEvents(2), { expectedRevision: 'stream_exists' });
    expect(ok.events.map((e) => e.revision)).toEqual([1, 2]);
    expect(ok.nextExpectedRevision).toBe(2);
  });

  it("appends with 'any' (and with no expectation) whether or not the stream exists", async () => {
    const { store } = subject;
    const created = await store.append('run-any', newEvents(1), { expectedRevision: 'any' });
    expect(created.events.map((e) => e.revision)).toEqual([0]);
    const appended = await store.append('run-any', newEvents(2), { expectedRevision: 'any' });
    expect(appended.events.map((e) => e.revision)).toEqual([1, 2]);
    const unchecked = await store.append('run-any', newEvents(1));
    expect(unchecked.events.map((e) => e.revision)).toEqual([3]);
    const uncheckedNew = await store.append('run-any-new', newEvents(1));
    expect(uncheckedNew.events.map((e) => e.revision)).toEqual([0]);
    expect(await collect(store.readStream('run-any'))).toHaveLength(4);
  });

  it('writes nothing of a multi-event append that conflicts, in this stream or any other', async () => {
    const { store } = subject;
    await store.append('run-conflicted', newEvents(3), { expectedRevision: 'no_stream' });
    await store.append('run-bystander', newEvents(1), { expectedRevision: 'no_stream' });
    const before = await collect(store.readAll());

    await expectConflict(store.append('run-conflicted', newEvents(10), { expectedRevision: 0 }), { stream: 'run-conflicted', expected: 0, actual: 2 });
    expect(await collect(store.readAll())).toEqual(before);
    const next = await store.append('run-conflicted', newEvents(1), { expectedRevision: 2 });
    expect(next.events[0]!.revision).toBe(3);
  });

  it('refuses a malformed expected revision or an empty stream name as bad input naming the field, writing nothing', async () => {
    const { store } = subject;
    await store.append('run-malformed', newEvents(1), { expectedRevision: 'no_stream' });
    const before = await snapshot(store);
    const refusal = (stream: string, options: AppendOptions) =>
      store.append(stream, newEvents(1), options).then(
        () => undefined,
        (error: unknown) => error,
      );

    for (const expectedRevision of [-2, 0.5, Number.NaN, 'latest', null]) {
      const error = await refusal('run-malformed', { expectedRevision } as unknown as AppendOptions);
      expect(error, `expectedRevision ${String(expectedRevision)}`).toBeInstanceOf(InvalidInputError);
      expect((error as Error).message).toContain('expectedRevision');
    }
    const unnamed = await refusal('', { expectedRevision: 'any' });
    expect(unnamed).toBeInstanceOf(InvalidInputError);
    expect((unnamed as Error).message).toContain('stream');
    expect(await snapshot(store)).toEqual(before);
  });
}
