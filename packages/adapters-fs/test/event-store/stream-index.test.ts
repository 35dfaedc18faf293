import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, type RecordedEvent } from '@dotscience/core';
import { idPrints, StreamIndex } from '../../src/event-store/stream-index.js';

const recorded = (stream: string, position: number, id: string = randomUUID()): RecordedEvent => ({
  id,
  type: 'MetricRecorded',
  schemaVersion: 1,
  stream,
  revision: position,
  position,
  recordedAt: '2025-01-01T00:00:00.000Z',
  data: {},
  meta: {},
  prevHash: GENESIS_HASH,
  hash: GENESIS_HASH,
});

describe('StreamIndex id prints', () => {
  it('given committed and queued events, when an append has one of their ids, then its print matches their positions (queued ones until they are dropped)', () => {
    const index = new StreamIndex();
    const committed = Array.from({ length: 3000 }, (_, p) => recorded('run-a', p));
    index.commitAppend(
      committed,
      0,
      committed.map(() => 10),
      idPrints(committed),
    );
    const queued = [recorded('run-b', 3000), recorded('run-b', 3001)];
    index.queue('run-b', queued, idPrints(queued));

    expect(index.printMatches(idPrints([committed[1234]!, recorded('run-c', 0)])).positions).toContain(1234);
    expect(index.printMatches(idPrints([queued[1]!])).positions).toContain(3001);
    expect(index.pendingAt(3001)).toBe(queued[1]);
    expect(index.pendingAt(1234)).toBeUndefined();

    index.dropPending();
    expect(index.printMatches(idPrints([queued[1]!])).positions).not.toContain(3001);
    expect(index.pendingAt(3001)).toBeUndefined();
    expect(index.printMatches(idPrints([committed[2999]!])).positions).toContain(2999);
  });

  it('given queued events that are then committed, when asked again, then each position is found once', () => {
    const index = new StreamIndex();
    const events = Array.from({ length: 5 }, (_, p) => recorded('run-a', p));
    const prints = idPrints(events);
    index.queue('run-a', events, prints);
    index.commitAppend(
      events,
      0,
      events.map(() => 10),
      prints,
    );
    expect(index.printMatches(idPrints([events[4]!])).positions.filter((p) => p === 4)).toEqual([4]);
    expect(index.committedRevisionsWithId('run-a', events[2]!.id)).toEqual([2]);
  });

  it('given an append whose ids are all distinct, or repeat one, when matched, then withinAppend says so', () => {
    const index = new StreamIndex();
    const id = randomUUID();
    expect(index.printMatches(idPrints([recorded('run-a', 0), recorded('run-a', 1)])).withinAppend).toBe(false);
    expect(index.printMatches(idPrints([recorded('run-a', 0, id), recorded('run-a', 1), recorded('run-a', 2, id)])).withinAppend).toBe(true);
    expect(index.printMatches(idPrints([recorded('run-a', 0, id)])).withinAppend).toBe(false);
  });
});
