import { describe, expect, it } from 'vitest';
import { WrongExpectedRevisionError, type EventStore, type ReadStreamOptions, type RecordedEvent } from '../../src/index.js';
import { TEST_RUN_ID } from '../../src/testing/index.js';
import { metric, started } from '../run/run-fixtures.js';
import { gatedStore, proposed } from './gate-fixture.js';

const RUN = `run-${TEST_RUN_ID}`;

/** Counts the stream reads the gate makes of the store underneath it. */
function countingReads(store: EventStore): { reads: () => number } {
  let reads = 0;
  const readStream = store.readStream.bind(store);
  store.readStream = (stream: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent> => {
    reads++;
    return readStream(stream, options);
  };
  return { reads: () => reads };
}

describe('the gate keeps stream states for appends that state their expected revision', () => {
  it('given a state kept at revision 1, when an append expects revision 1, then it is checked without reading the stream and recorded', async () => {
    const { gated, store } = gatedStore();
    await gated.append(RUN, [proposed(started), proposed(metric('loss', 1, 0))]);
    const counter = countingReads(store);
    const result = await gated.append(RUN, [proposed(metric('loss', 0.5, 1))], { expectedRevision: 1 });
    expect(result.events.map((e) => e.revision)).toEqual([2]);
    expect(counter.reads()).toBe(0);
  });

  it('given a state kept at revision 1, when an append expects revision 1, then it reaches the store in the same turn, before anything is awaited', async () => {
    const { gated, store } = gatedStore();
    await gated.append(RUN, [proposed(started), proposed(metric('loss', 1, 0))]);
    let appends = 0;
    const append = store.append.bind(store);
    store.append = (...args: Parameters<EventStore['append']>) => {
      appends++;
      return append(...args);
    };
    const appended = gated.append(RUN, [proposed(metric('loss', 0.5, 1))], { expectedRevision: 1 });
    expect(appends).toBe(1);
    expect((await appended).events.map((e) => e.revision)).toEqual([2]);
    // The state it led to is kept: the next append at revision 2 needs no read either.
    const counter = countingReads(store);
    await gated.append(RUN, [proposed(metric('loss', 0.4, 2))], { expectedRevision: 2 });
    expect(counter.reads()).toBe(0);
  });

  it('given a state kept at revision 1 and the stream grown past it behind the gate, when an append expects revision 1, then the store refuses it and nothing is written', async () => {
    const { gated, store } = gatedStore();
    await gated.append(RUN, [proposed(started), proposed(metric('loss', 1, 0))]);
    await store.append(RUN, [proposed(metric('loss', 0.9, 1))]);
    await expect(gated.append(RUN, [proposed(metric('loss', 0.5, 1))], { expectedRevision: 1 })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    const revisions: number[] = [];
    for await (const e of store.readStream(RUN)) revisions.push(e.revision);
    expect(revisions).toEqual([0, 1, 2]);
  });

  it("given a stream the gate knows nothing of, when a run's first append expects -1 or 'no_stream', then it is checked from the empty state without reading the stream", async () => {
    for (const expectedRevision of [-1, 'no_stream'] as const) {
      const { gated, store } = gatedStore();
      const counter = countingReads(store);
      const result = await gated.append(RUN, [proposed(started), proposed(metric('loss', 1, 0))], { expectedRevision });
      expect(result.events.map((e) => e.revision)).toEqual([0, 1]);
      expect(counter.reads()).toBe(0);
    }
  });

  it('given a stream written behind the gate, when an append the empty state admits expects -1, then the store refuses it and nothing is written', async () => {
    const { gated, store } = gatedStore();
    await store.append(RUN, [proposed(started), proposed(metric('loss', 1, 0))]);
    await expect(gated.append(RUN, [proposed(started)], { expectedRevision: -1 })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    const revisions: number[] = [];
    for await (const e of store.readStream(RUN)) revisions.push(e.revision);
    expect(revisions).toEqual([0, 1]);
    // The refused append left no state behind: the next append is judged on what the store holds (a second RunStarted is refused).
    await expect(gated.append(RUN, [proposed(started)], { expectedRevision: 1 })).rejects.toThrow(/RunStarted|started/);
  });

  it('given an append with no numeric expected revision, when checked, then the gate reads what the store recorded since its kept state', async () => {
    const { gated, store } = gatedStore();
    await gated.append(RUN, [proposed(started), proposed(metric('loss', 1, 0))]);
    const counter = countingReads(store);
    await gated.append(RUN, [proposed(metric('loss', 0.5, 1))]);
    expect(counter.reads()).toBeGreaterThan(0);
  });
});
