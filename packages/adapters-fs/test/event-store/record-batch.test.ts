import { afterEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH, type JsonValue, type NewEvent } from '@dotscience/core';
import { chainEvents, parseAppend } from '@dotscience/core/store-kit';
import {
  LAST_SEAL_JOB_EVENTS,
  sealAndEncode,
  sealAndEncodeInParallel,
  sealJobEnd,
  SEAL_JOB_EVENTS,
  type EncodedRecords,
} from '../../src/event-store/record-batch.js';
import { decodeRecord } from '../../src/event-store/record-codec.js';
import { readFrame } from '../../src/event-store/record-frame.js';
import { RecordWorker } from '../../src/event-store/record-worker.js';
import { metricEvent } from './fixtures.js';

const recordedAt = '2026-11-25T16:00:00.000Z';
const bigHead = { revision: 4, hash: 'a'.repeat(64) };

/** Records far larger than the first guess at their size, some of multi-byte text. */
function largeEvents(count: number): NewEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    ...metricEvent(i),
    data: { note: i % 3 === 0 ? 'é🙂'.repeat(900 * (1 + (i % 4))) : 'x'.repeat(i * 97), step: i },
  }));
}

/** An append's frames in one buffer. */
const bytesOf = (encoded: EncodedRecords): Buffer => Buffer.concat(encoded.chunks);

/** Every frame decodes to its recorded event, and the lengths add up to the buffer. */
function expectFramesHold(encoded: EncodedRecords): void {
  const { events: recorded, lengths } = encoded;
  const bytes = bytesOf(encoded);
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
}

/**
 * Events whose shape (meta, type, schema version) changes within an append, with texts of
 * every width: a record is copied together from its body's bytes by where the body's fields
 * end, so a byte miscounted anywhere would show as a record that does not decode to its event.
 */
function eventsOfManyShapes(count: number): NewEvent[] {
  // Sealing writes whatever meta it is given (the store parses first); the last two are not of the compact form.
  const metas = [
    {},
    { correlationId: 'c-1', actor: { user: 'ana', host: 'lab' }, sdkVersion: '0.1.0' },
    { correlationId: 'ç-ü-🙂', actor: { user: 'zoë', host: 'hôte' } },
    { causationId: 'x', extra: { nested: ['é', 1, null] } }, // not the compact form: written as its object
    { actor: { user: 'only-user' } }, // an actor without host: not compact either
  ] as NewEvent['meta'][];
  const types = ['MetricRecorded', 'ParameterRecorded', 'Typé🙂'];
  return Array.from({ length: count }, (_, i) => ({
    ...metricEvent(i),
    type: types[Math.floor(i / 3) % types.length]!,
    schemaVersion: 1 + (Math.floor(i / 5) % 2),
    meta: metas[Math.floor(i / 2) % metas.length]!,
    data: (i % 4 === 0 ? { ключ: 'значение 🙂', deep: { a: [1, 'b', { c: '"\\\u0001' }] } } : { step: i, s: 'x'.repeat(i % 7) }) as JsonValue,
  }));
}

describe('sealAndEncode', () => {
  it('given events whose meta, type and schema version change within the append, texts multi-byte and metas not of the compact form, when sealed, then every frame decodes to its event with the chain core computes', () => {
    const events = eventsOfManyShapes(60);
    for (const stream of ['run-shapes', 'flux-é-🙂']) {
      const encoded = sealAndEncode(stream, bigHead, events, 100, recordedAt);
      const sealed = chainEvents(stream, 4, 'a'.repeat(64), events);
      expect(encoded.events).toEqual(sealed.map((e, i) => ({ ...e, position: 100 + i, recordedAt })));
      expectFramesHold(encoded);
    }
  });

  it('given records far larger than the first guess at their size, some of multi-byte text, when a batch is sealed, then the buffers grow and every frame decodes to its event with the chain core computes', () => {
    const events = largeEvents(40);
    const encoded = sealAndEncode('run-big', bigHead, events, 100, recordedAt);
    const sealed = chainEvents('run-big', 4, 'a'.repeat(64), events);
    expect(encoded.events).toEqual(sealed.map((e, i) => ({ ...e, position: 100 + i, recordedAt })));
    expectFramesHold(encoded);
  });

  it('given a recordedAt that is not ASCII (a clock of its own), when a batch is sealed, then the hash slots are still where the hashes go', () => {
    const events = largeEvents(5);
    const encoded = sealAndEncode('run-clock', bigHead, events, 7, '2026-11-25T16:00:00.000Z 🙂 ü');
    expect(encoded.events.map((e) => e.recordedAt)).toEqual(events.map(() => '2026-11-25T16:00:00.000Z 🙂 ü'));
    expectFramesHold(encoded);
  });

  it('given an empty stream, when one event is sealed, then it links to the genesis hash at revision 0', () => {
    const {
      events: [e],
    } = sealAndEncode('run-a', { revision: -1, hash: GENESIS_HASH }, [metricEvent(0)], 0, recordedAt);
    expect([e!.revision, e!.prevHash, e!.hash]).toEqual([0, GENESIS_HASH, chainEvents('run-a', -1, GENESIS_HASH, [metricEvent(0, e!.id)])[0]!.hash]);
  });
});

describe('sealJobEnd: an append cut into seal jobs', () => {
  it('given appends of any size, then the jobs cover every event once, in order, none above SEAL_JOB_EVENTS, and the last one (of several) holds at most LAST_SEAL_JOB_EVENTS', () => {
    for (const count of [1, 31, 32, 33, 127, 128, 129, 160, 161, 200, 256, 1000, 1023, 4097]) {
      const ends: number[] = [];
      for (let from = 0; from < count; from = ends.at(-1)!) ends.push(sealJobEnd(from, count));
      const sizes = ends.map((end, k) => end - (k === 0 ? 0 : ends[k - 1]!));
      expect(ends.at(-1)).toBe(count);
      expect(sizes.every((n) => n > 0 && n <= SEAL_JOB_EVENTS)).toBe(true);
      if (sizes.length > 1) expect(sizes.at(-1)).toBeLessThanOrEqual(LAST_SEAL_JOB_EVENTS);
      if (count > SEAL_JOB_EVENTS + LAST_SEAL_JOB_EVENTS) expect(sizes.slice(0, -2).every((n) => n === SEAL_JOB_EVENTS)).toBe(true);
    }
  });
});

describe('sealAndEncodeInParallel (chaining and framing on a worker thread)', () => {
  const sealers: RecordWorker[] = [];
  const sealer = (source?: string): RecordWorker => {
    const s = new RecordWorker(source);
    sealers.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(sealers.splice(0).map((s) => s.close()));
  });

  const appendsOfSeveralJobs = [
    { what: 'some records multi-byte and larger than guessed', stream: 'run-big', events: largeEvents(3 * SEAL_JOB_EVENTS + 7), position: 100 },
    {
      what: 'of many shapes and widths, on a stream of multi-byte name',
      stream: 'flux-é-🙂',
      events: eventsOfManyShapes(2 * SEAL_JOB_EVENTS + 30),
      position: 9_007_199_254_740,
    },
  ];
  for (const { what, stream, events, position } of appendsOfSeveralJobs) {
    it(`given an append of several jobs, ${what}, when sealed on the worker, then the bytes and events are exactly those sealed on this thread`, async () => {
      const s = sealer();
      const onWorker = await sealAndEncodeInParallel(s, stream, bigHead, events, position, recordedAt);
      expect(s.usable).toBe(true); // sealed there, not on this thread after a failure
      const here = sealAndEncode(stream, bigHead, events, position, recordedAt);
      expect(onWorker.events).toEqual(here.events);
      expect(onWorker.lengths).toEqual(here.lengths);
      expect(bytesOf(onWorker).equals(bytesOf(here))).toBe(true);
      expectFramesHold(onWorker);
    });
  }

  /** Events as a caller sends them: data keys out of canonical order, some with an array-index key (written by canonicalJson, not natively). */
  function unparsedEvents(count: number): NewEvent[] {
    return eventsOfManyShapes(count).map((e, i) => ({
      ...e,
      meta: { sdkVersion: '0.1.0', actor: { host: 'lab', user: 'ana' }, correlationId: `c-${i % 3}` },
      data: (i % 50 === 7 ? { z: i, '10': 'index key', a: [{ y: 1, b: 2 }] } : { z: 'last', a: { y: i, b: 'é' } }) as JsonValue,
    }));
  }

  it('given events as parseAppend returns them (data keys out of order, some array-index keys), when sealed on the worker, then the bytes and events are exactly those sealed on this thread', async () => {
    const s = sealer();
    const raw = unparsedEvents(3 * SEAL_JOB_EVENTS + 40);
    const onWorker = await sealAndEncodeInParallel(s, 'run-p', bigHead, parseAppend('run-p', raw).events, 77, recordedAt);
    expect(s.usable).toBe(true);
    const here = sealAndEncode('run-p', bigHead, parseAppend('run-p', raw).events, 77, recordedAt);
    expect(onWorker.events).toEqual(here.events);
    expect(bytesOf(onWorker).equals(bytesOf(here))).toBe(true);
    expectFramesHold(onWorker);
    expect(onWorker.events[7]!.data).toEqual({ '10': 'index key', a: [{ b: 2, y: 1 }], z: 7 });
  });

  it('given one sealer used for appends to different streams in turn, then each append chains onto its own head (a job never chains onto another append)', async () => {
    const s = sealer();
    const [forA, forB] = [largeEvents(SEAL_JOB_EVENTS + 1), largeEvents(2 * SEAL_JOB_EVENTS)];
    const a = await sealAndEncodeInParallel(s, 'run-a', { revision: -1, hash: GENESIS_HASH }, forA, 0, recordedAt);
    const b = await sealAndEncodeInParallel(s, 'run-b', bigHead, forB, 1000, recordedAt);
    expect(bytesOf(a).equals(bytesOf(sealAndEncode('run-a', { revision: -1, hash: GENESIS_HASH }, forA, 0, recordedAt)))).toBe(true);
    expect(bytesOf(b).equals(bytesOf(sealAndEncode('run-b', bigHead, forB, 1000, recordedAt)))).toBe(true);
    expect(b.events[0]!.prevHash).toBe(bigHead.hash);
  });

  it('given a worker that dies on its first job, when an append is sealed, then it is sealed on this thread with the same bytes, and the sealer is not used again', async () => {
    const dying = sealer(`require('node:worker_threads').parentPort.on('message', () => process.exit(7));`);
    const events = largeEvents(2 * SEAL_JOB_EVENTS);
    const encoded = await sealAndEncodeInParallel(dying, 'run-x', bigHead, events, 5, recordedAt);
    expect(bytesOf(encoded).equals(bytesOf(sealAndEncode('run-x', bigHead, events, 5, recordedAt)))).toBe(true);
    expect(dying.usable).toBe(false);
  });

  it('given a worker that answers a job with an error, when an append is sealed, then it is sealed on this thread with the same bytes, and the sealer is not used again', async () => {
    const failing = sealer(
      `const { parentPort } = require('node:worker_threads'); parentPort.on('message', ({ id }) => parentPort.postMessage({ id, error: 'broken' }));`,
    );
    const events = largeEvents(SEAL_JOB_EVENTS);
    const encoded = await sealAndEncodeInParallel(failing, 'run-y', bigHead, events, 5, recordedAt);
    expect(bytesOf(encoded).equals(bytesOf(sealAndEncode('run-y', bigHead, events, 5, recordedAt)))).toBe(true);
    expect(failing.usable).toBe(false);
  });
});
