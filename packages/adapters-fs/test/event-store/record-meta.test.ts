import { describe, expect, it } from 'vitest';
import { canonicalJson, GENESIS_HASH, verifyChain, type EventMeta, type NewEvent } from '@dotscience/core';
import { chainEvents } from '@dotscience/core/store-kit';
import { sealAndEncode } from '../../src/event-store/record-batch.js';
import { decodeRecord } from '../../src/event-store/record-codec.js';
import { readFrame } from '../../src/event-store/record-frame.js';
import { metricEvent } from './fixtures.js';

/** Seal one event per meta and return each record's JSON value and the event read back from it. */
function roundTrip(metas: unknown[]): { stored: unknown[]; read: ReturnType<typeof decodeRecord>[]; sealed: NewEvent[] } {
  const events = metas.map((meta, i) => ({ ...metricEvent(i), meta }) as NewEvent);
  const bytes = Buffer.concat(sealAndEncode('run-m', { revision: -1, hash: GENESIS_HASH }, events, 0, '2026-11-25T16:00:00.000Z').chunks);
  const stored: unknown[] = [];
  const read: ReturnType<typeof decodeRecord>[] = [];
  for (let at = 0; at < bytes.length;) {
    const frame = readFrame(bytes, at);
    if (frame.kind !== 'record') throw new Error(`frame at ${at}: ${frame.kind}`);
    const text = bytes.toString('utf8', frame.payloadStart, frame.next);
    stored.push((JSON.parse(text) as unknown[])[2]);
    read.push(decodeRecord(text));
    at = frame.next;
  }
  return { stored, read, sealed: events };
}

describe("a record's meta", () => {
  it('given the usual meta (any of correlationId, causationId, actor, sdkVersion), when sealed and read back, then the record holds the compact array and the event has the same meta, keys in canonical order', () => {
    const metas: EventMeta[] = [
      { correlationId: 'c', causationId: 'k', actor: { user: 'ann', host: 'box' }, sdkVersion: '0.1.0' },
      {},
      { sdkVersion: '1' },
      { actor: { host: 'h', user: 'u"\\ é' } },
      { correlationId: 'c', causationId: undefined },
      { correlationId: 'c', causationId: undefined }, // the same canonical text again: the remembered form
    ];
    const { stored, read } = roundTrip(metas);
    expect(stored).toEqual([
      ['c', 'k', 'ann', 'box', '0.1.0'],
      [null, null, null, null, null],
      [null, null, null, null, '1'],
      [null, null, 'u"\\ é', 'h', null],
      ['c', null, null, null, null],
      ['c', null, null, null, null],
    ]);
    expect(read.map((e) => e.meta)).toEqual(metas.map((m) => JSON.parse(canonicalJson(m))));
    expect(read.map((e) => Object.keys(e.meta))).toEqual(metas.map((m) => Object.keys(JSON.parse(canonicalJson(m)) as object)));
    expect(verifyChain(read).ok).toBe(true);
  });

  it('given meta the compact array cannot hold (an unknown key, an actor without host, an actor with another key), when sealed and read back, then the record holds its canonical object and the event reads back equal, chain intact', () => {
    const metas = [{ correlationId: 'c', extra: 1 }, { actor: { user: 'u' } }, { actor: { user: 'u', host: 'h', os: 'linux' } }, { actor: {} }];
    const { stored, read, sealed } = roundTrip(metas);
    expect(stored).toEqual(metas);
    expect(read.map((e) => e.meta)).toEqual(metas);
    expect(read.map((e) => e.hash)).toEqual(chainEvents('run-m', -1, GENESIS_HASH, sealed).map((e) => e.hash));
    expect(verifyChain(read).ok).toBe(true);
  });
});
