import { expect, it } from 'vitest';
import { DuplicateEventIdError, type EventIdSite } from '../../errors/store-errors.js';
import type { NewEvent } from '../../events/envelope.js';
import type { EventStore } from '../../ports/event-store.js';
import type { ContractSubject } from './contract-subject.js';
import { collect, idsOf, newEvent, newEvents } from './sample-events.js';

interface ExpectedDuplicate {
  id: string;
  stream: string;
  index: number;
  /** Where the store should say the id already is (a store that cannot say may answer undefined for a recorded id). */
  existing: EventIdSite;
}

/** Assert the append is refused with a DuplicateEventIdError naming the id, the stream and the event. */
async function expectDuplicate(append: Promise<unknown>, duplicate: ExpectedDuplicate): Promise<void> {
  let thrown: unknown;
  try {
    await append;
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'the append should have been refused').toBeInstanceOf(DuplicateEventIdError);
  const e = thrown as DuplicateEventIdError;
  expect(e.code).toBe('DUPLICATE_EVENT_ID');
  expect({ id: e.id, stream: e.stream, index: e.index }).toEqual({ id: duplicate.id, stream: duplicate.stream, index: duplicate.index });
  if (e.existing !== undefined || 'appendIndex' in duplicate.existing) expect(e.existing).toEqual(duplicate.existing);
  expect(e.message).toContain(duplicate.id);
  expect(e.message).toContain(duplicate.stream);
}

/** The store still takes a fresh append to `stream` on top of `events` recorded events, and reads it back. */
async function expectStillAppends(store: EventStore, stream: string, revision: number): Promise<void> {
  const fresh = newEvents(2, 'afterwards');
  const result = await store.append(stream, fresh, { expectedRevision: revision });
  expect(result.nextExpectedRevision).toBe(revision + 2);
  expect(idsOf((await collect(store.readStream(stream))).slice(-2))).toEqual(idsOf(fresh));
}

export function duplicateEventIdContract(subject: ContractSubject): void {
  it('given an id recorded in the stream, when a batch with a new first id repeats it later, then DuplicateEventIdError and nothing is written', async () => {
    const { store } = subject;
    const recorded = newEvents(2, 'recorded');
    await store.append('run-dup-same', recorded, { expectedRevision: 'no_stream' });

    const batch: NewEvent[] = [newEvent(), newEvent(), recorded[1]!];
    await expectDuplicate(store.append('run-dup-same', batch, { expectedRevision: 1 }), {
      id: recorded[1]!.id,
      stream: 'run-dup-same',
      index: 2,
      existing: { stream: 'run-dup-same', revision: 1 },
    });
    await expectDuplicate(store.append('run-dup-same', batch, { expectedRevision: 'any' }), {
      id: recorded[1]!.id,
      stream: 'run-dup-same',
      index: 2,
      existing: { stream: 'run-dup-same', revision: 1 },
    });
    expect(idsOf(await collect(store.readAll()))).toEqual(idsOf(recorded));
    await expectStillAppends(store, 'run-dup-same', 1);
  });

  it('given an id recorded in another stream, when a batch repeats it (first or later), then DuplicateEventIdError and nothing is written', async () => {
    const { store } = subject;
    const elsewhere = newEvents(3, 'elsewhere');
    await store.append('run-dup-other', elsewhere, { expectedRevision: 'no_stream' });
    const here = newEvents(1, 'here');
    await store.append('run-dup-target', here, { expectedRevision: 'no_stream' });

    await expectDuplicate(store.append('run-dup-target', [newEvent(), elsewhere[2]!], { expectedRevision: 0 }), {
      id: elsewhere[2]!.id,
      stream: 'run-dup-target',
      index: 1,
      existing: { stream: 'run-dup-other', revision: 2 },
    });
    await expectDuplicate(store.append('run-dup-target', [elsewhere[0]!], { expectedRevision: 0 }), {
      id: elsewhere[0]!.id,
      stream: 'run-dup-target',
      index: 0,
      existing: { stream: 'run-dup-other', revision: 0 },
    });
    await expectDuplicate(store.append('run-dup-fresh', [newEvent(), elsewhere[1]!], { expectedRevision: 'no_stream' }), {
      id: elsewhere[1]!.id,
      stream: 'run-dup-fresh',
      index: 1,
      existing: { stream: 'run-dup-other', revision: 1 },
    });
    expect(idsOf(await collect(store.readAll()))).toEqual([...idsOf(elsewhere), ...idsOf(here)]);
    expect(await collect(store.readStream('run-dup-fresh'))).toEqual([]);
    await expectStillAppends(store, 'run-dup-target', 0);
  });

  it('given a batch that carries one new id twice, when appended, then DuplicateEventIdError names both events and nothing is written', async () => {
    const { store } = subject;
    const first = newEvents(1, 'first');
    await store.append('run-dup-batch', first, { expectedRevision: 'no_stream' });
    const repeated = newEvent('ContractEvent', { n: 1 });
    const batch: NewEvent[] = [newEvent(), repeated, newEvent(), { ...repeated, data: { n: 2 } }];

    await expectDuplicate(store.append('run-dup-batch', batch, { expectedRevision: 0 }), {
      id: repeated.id,
      stream: 'run-dup-batch',
      index: 3,
      existing: { appendIndex: 1 },
    });
    const large = [...newEvents(300, 'large'), repeated, repeated];
    await expectDuplicate(store.append('run-dup-batch', large, { expectedRevision: 0 }), {
      id: repeated.id,
      stream: 'run-dup-batch',
      index: 301,
      existing: { appendIndex: 300 },
    });
    expect(idsOf(await collect(store.readAll()))).toEqual(idsOf(first));
    await expectStillAppends(store, 'run-dup-batch', 0);
  });

  it('given two appends racing with one shared id, when both are sent at once, then exactly one is recorded and the other is refused naming the id', async () => {
    const { store } = subject;
    const shared = newEvent('ContractEvent', { label: 'shared' });
    const batches = { 'run-dup-racing': [...newEvents(2, 'racing'), shared], 'run-dup-racer': [newEvent(), shared] };
    const streams = Object.keys(batches) as Array<keyof typeof batches>;
    const settled = await Promise.allSettled(streams.map((s) => store.append(s, batches[s], { expectedRevision: 'no_stream' })));

    const won = settled.findIndex((r) => r.status === 'fulfilled');
    const lost = settled.findIndex((r) => r.status === 'rejected');
    expect([won, lost].sort()).toEqual([0, 1]);
    const winner = streams[won]!;
    const loser = streams[lost]!;
    await expectDuplicate(Promise.reject((settled[lost] as PromiseRejectedResult).reason), {
      id: shared.id,
      stream: loser,
      index: batches[loser].length - 1,
      existing: { stream: winner, revision: batches[winner].length - 1 },
    });
    expect(idsOf(await collect(store.readAll()))).toEqual(idsOf(batches[winner]));
    await expectStillAppends(store, loser, -1);
  });
}
