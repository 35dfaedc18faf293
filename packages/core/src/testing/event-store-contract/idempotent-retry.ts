import { expect, it } from 'vitest';
import type { ContractSubject } from './contract-subject.js';
import { expectConflict } from './revision-conflict.js';
import { collect, idsOf, newEvent, newEvents } from './sample-events.js';

export function idempotentRetryContract(subject: ContractSubject): void {
  it('answers a retry of the same event ids with the original result and writes nothing', async () => {
    const { store } = subject;
    const events = newEvents(3, 'original');
    const first = await store.append('run-retry', events, { expectedRevision: 'no_stream' });
    const again = await store.append('run-retry', events, { expectedRevision: 'no_stream' });
    expect(again).toEqual(first);
    const anyRetry = await store.append('run-retry', events, { expectedRevision: 'any' });
    expect(anyRetry).toEqual(first);
    expect(idsOf(await collect(store.readAll()))).toEqual(idsOf(events));
  });

  it('recognises a retry after the stream has moved on, at the revision the events were written', async () => {
    const { store } = subject;
    const opening = newEvents(2, 'opening');
    const middle = newEvents(1, 'middle');
    const first = await store.append('run-moved-on', opening, { expectedRevision: 'no_stream' });
    const second = await store.append('run-moved-on', middle, { expectedRevision: 1 });
    await store.append('run-moved-on', newEvents(2, 'later'), { expectedRevision: 2 });

    expect(await store.append('run-moved-on', opening, { expectedRevision: 'no_stream' })).toEqual(first);
    expect(await store.append('run-moved-on', middle, { expectedRevision: 1 })).toEqual(second);
    expect(await store.append('run-moved-on', middle, { expectedRevision: 'stream_exists' })).toEqual(second);
    expect(await collect(store.readStream('run-moved-on'))).toHaveLength(5);
  });

  it('refuses a retry whose ids only partly match the recorded events, and writes none of it', async () => {
    const { store } = subject;
    const [a, b] = newEvents(2, 'recorded');
    await store.append('run-partial', [a!, b!], { expectedRevision: 'no_stream' });

    await expectConflict(store.append('run-partial', [a!, newEvent()], { expectedRevision: 'no_stream' }), {
      stream: 'run-partial',
      expected: 'no_stream',
      actual: 1,
    });
    await expectConflict(store.append('run-partial', [a!, b!, newEvent()], { expectedRevision: 'no_stream' }), {
      stream: 'run-partial',
      expected: 'no_stream',
      actual: 1,
    });
    expect(idsOf(await collect(store.readAll()))).toEqual([a!.id, b!.id]);
  });

  it('refuses the same ids at a revision other than where they were written', async () => {
    const { store } = subject;
    const recorded = newEvents(2, 'recorded');
    await store.append('run-elsewhere', newEvents(1, 'head'), { expectedRevision: 'no_stream' });
    await store.append('run-elsewhere', recorded, { expectedRevision: 0 });

    await expectConflict(store.append('run-elsewhere', recorded, { expectedRevision: 2 }), { stream: 'run-elsewhere', expected: 2, actual: 2 });
    await expectConflict(store.append('run-elsewhere', recorded, { expectedRevision: 'no_stream' }), {
      stream: 'run-elsewhere',
      expected: 'no_stream',
      actual: 2,
    });
    expect(await collect(store.readStream('run-elsewhere'))).toHaveLength(3);
  });

  it('writes a retry that races its original only once, and answers both with the same result', async () => {
    const { store } = subject;
    const events = newEvents(4, 'raced');
    const [one, two] = await Promise.all([
      store.append('run-raced', events, { expectedRevision: 'no_stream' }),
      store.append('run-raced', events, { expectedRevision: 'no_stream' }),
    ]);
    expect(two).toEqual(one);
    expect(idsOf(await collect(store.readAll()))).toEqual(idsOf(events));
  });
}
