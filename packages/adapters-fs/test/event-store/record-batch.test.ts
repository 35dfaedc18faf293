import { describe, expect, it } from 'vitest';
import { chainEvents, GENESIS_HASH, type NewEvent } from '@dotscience/core';
import { sealAndEncode } from '../../src/event-store/record-batch.js';
import { decodeRecord } from '../../src/event-store/record-codec.js';
import { readFrame } from '../../src/event-store/record-frame.js';
import { metricEvent } from './fixtures.js';

describe('sealAndEncode', () => {
  it('given records far larger than the first guess at their size, some of multi-byte text, when a batch is sealed, then the buffer grows and every frame decodes to its event with the chain core computes', () => {
    const events: NewEvent[] = Array.from({ length: 40 }, (_, i) => ({
      ...metricEvent(i),
      data: { note: i % 3 === 0 ? 'é🙂'.repeat(900 * (1 + (i % 4))) : 'x'.repeat(i * 97), step: i },
    }));
    const recordedAt = '2026-11-25T16:00:00.000Z';
    const { events: recorded, bytes, lengths } = sealAndEncode('run-big', { revision: 4, hash: 'a'.repeat(64) }, events, 100, recordedAt);

    const sealed = chainEvents('run-big', 4, 'a'.repeat(64), events);
    expect(recorded).toEqual(sealed.map((e, i) => ({ ...e, position: 100 + i, recordedAt })));
    expect(lengths.reduce((a, b) => a + b, 0)).toBe(bytes.length);
    let at = 0;
    const decoded = lengths.map((length) => {
      const frame = readFrame(bytes, at);
      if (frame.kind !== 'record') throw new Error(`frame at ${at}: ${frame.kind}`);
      expect(frame.next - at).toBe(length);
      at = frame.next;
      return decodeRecord(bytes.toString('utf8', frame.payloadStart, frame.next));
    });
    expect(decoded).toEqual(recorded);
  });

  it('given an empty stream, when one event is sealed, then it links to the genesis hash at revision 0', () => {
    const { events: [e] } = sealAndEncode('run-a', { revision: -1, hash: GENESIS_HASH }, [metricEvent(0)], 0, '2026-11-25T16:00:00.000Z');
    expect([e!.revision, e!.prevHash, e!.hash]).toEqual([0, GENESIS_HASH, chainEvents('run-a', -1, GENESIS_HASH, [metricEvent(0, e!.id)])[0]!.hash]);
  });
});
