import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH, verifyChain, type NewEvent, type RecordedEvent } from '@dotscience/core';
import { chainEvents } from '@dotscience/core/store-kit';
import { FsEventStore, INDEX_SNAPSHOT_FILE } from '../../src/event-store/index.js';
import { lengthChecksum } from '../../src/event-store/record-frame.js';
import { collect, metricEvent, tempStoreDir } from './fixtures.js';

const SEGMENT = 'segment-0000000000000000.log';
/** A log written by the store before records became arrays (layout 1: one JSON object per record), and what it holds. */
const FORMAT_1 = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'format-1');

async function format1Events(): Promise<RecordedEvent[]> {
  return JSON.parse(await readFile(join(FORMAT_1, 'events.json'), 'utf8')) as RecordedEvent[];
}

const asNew = ({ id, type, schemaVersion, data, meta }: RecordedEvent): NewEvent => ({ id, type, schemaVersion, data, meta });

describe('FsEventStore record layouts', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempStoreDir());
  });
  afterEach(() => cleanup());

  it('given a log of layout-1 records (object per record), when opened, then it reads the same events and its chain verifies', async () => {
    await copyFile(join(FORMAT_1, SEGMENT), join(dir, SEGMENT));
    const expected = await format1Events();
    expect((await readFile(join(dir, SEGMENT))).subarray(8, 9).toString()).toBe('{'); // it really is the old layout
    const store = await FsEventStore.open(dir);
    try {
      expect(store.openReport).toMatchObject({ events: 6, streams: 2, indexFromSnapshot: false, truncatedTornTailBytes: 0 });
      const read = await collect(store.readAll());
      expect(read).toEqual(expected);
      expect(verifyChain(read)).toEqual({ ok: true, streams: 2, events: 6 });
      expect(await collect(store.readStream('run-a', { fromRevision: 2 }))).toEqual(expected.filter((e) => e.stream === 'run-a').slice(2));
    } finally {
      await store.close();
    }
  });

  it('given the layout-1 log, the hashes it recorded are the ones the chain computes today (the hash chain did not change)', async () => {
    const expected = await format1Events();
    for (const stream of ['run-a', 'run-b']) {
      const recorded = expected.filter((e) => e.stream === stream);
      const sealed = chainEvents(stream, -1, GENESIS_HASH, recorded.map(asNew));
      expect(sealed.map((e) => [e.prevHash, e.hash])).toEqual(recorded.map((e) => [e.prevHash, e.hash]));
    }
  });

  it('given the layout-1 log, when appended to, then old and new records sit in one segment and read back, reopened with or without the index snapshot', async () => {
    await copyFile(join(FORMAT_1, SEGMENT), join(dir, SEGMENT));
    const old = await format1Events();
    let store = await FsEventStore.open(dir);
    const added = await store.append('run-a', [metricEvent(7), metricEvent(8)], { expectedRevision: 4 });
    await store.append('run-b', [metricEvent(9)], { expectedRevision: 0 });
    await store.close();
    const segment = await readFile(join(dir, SEGMENT));
    const lastOld = old.length - 1;
    let at = 0;
    for (let p = 0; p <= lastOld; p++) at += 8 + segment.readUInt32LE(at);
    expect(segment.subarray(at + 8, at + 9).toString()).toBe('['); // the new record is layout 2

    for (const snapshot of [true, false]) {
      if (!snapshot) await writeFile(join(dir, INDEX_SNAPSHOT_FILE), 'damaged');
      store = await FsEventStore.open(dir);
      try {
        expect(store.openReport).toMatchObject({ events: 9, indexFromSnapshot: snapshot });
        const all = await collect(store.readAll());
        expect(all.slice(0, 6)).toEqual(old);
        expect(all.slice(6, 8)).toEqual(added.events);
        expect(verifyChain(all)).toEqual({ ok: true, streams: 2, events: 9 });
        expect((await collect(store.readStream('run-a', { fromRevision: 4 }))).map((e) => e.revision)).toEqual([4, 5, 6]);
        expect((await store.rebuildIndex()).events).toBe(9);
        expect(await collect(store.readAll())).toEqual(all);
      } finally {
        await store.close();
      }
    }
  });

  it('given a record whose checksum matches but which is no event (a writer bug), when opened, then CorruptLogError names the segment and offset', async () => {
    const store = await FsEventStore.open(dir);
    await store.append('run-a', [metricEvent(0), metricEvent(1)]);
    await store.close();
    const good = await readFile(join(dir, SEGMENT));
    for (const payload of ['[1,2,3]', '"text"', '{"position":']) {
      const frame = Buffer.alloc(8 + Buffer.byteLength(payload));
      frame.writeUInt32LE(frame.length - 8, 0);
      frame.write(payload, 8);
      frame.writeUInt32LE(crc32(frame.subarray(8), lengthChecksum(frame.length - 8)), 4);
      await writeFile(join(dir, SEGMENT), Buffer.concat([good, frame]));
      await expect(FsEventStore.open(dir)).rejects.toMatchObject({ code: 'CORRUPT_LOG', segment: SEGMENT, offset: good.length });
    }
  });

  it('given a record damaged after the store opened, when read, then the records before it are handed out and CorruptLogError names its segment and offset', async () => {
    const store = await FsEventStore.open(dir);
    try {
      const { events } = await store.append(
        'run-a',
        Array.from({ length: 20 }, (_, i) => metricEvent(i)),
      );
      const bytes = await readFile(join(dir, SEGMENT));
      let at = 0;
      for (let p = 0; p < 12; p++) at += 8 + bytes.readUInt32LE(at);
      bytes[at + 30] = bytes[at + 30]! ^ 0x01;
      await writeFile(join(dir, SEGMENT), bytes);
      const seen: RecordedEvent[] = [];
      const reading = (async () => {
        for await (const e of store.readAll()) seen.push(e);
      })();
      await expect(reading).rejects.toMatchObject({ code: 'CORRUPT_LOG', segment: SEGMENT, offset: at });
      expect(seen).toEqual(events.slice(0, 12));
    } finally {
      await store.close();
    }
  });

  it('reads back exactly the events appended, whatever JSON their data and meta hold (layout 2 round trip)', async () => {
    const store = await FsEventStore.open(dir);
    try {
      const meta = fc.record(
        { correlationId: fc.string(), causationId: fc.string(), actor: fc.record({ user: fc.string(), host: fc.string() }), sdkVersion: fc.string() },
        { requiredKeys: [] },
      );
      // An own "__proto__" key is refused by parsing (core's parse property test), so it is left out here.
      const recordableJson = fc.jsonValue().filter((data) => !JSON.stringify(data).includes('"__proto__":'));
      let n = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ data: recordableJson, meta, type: fc.string({ minLength: 1 }) }), { minLength: 1, maxLength: 5 }),
          async (drafts) => {
            const stream = `run-p${n++}`;
            const events = drafts.map((d, i): NewEvent => ({ ...metricEvent(i), type: d.type, data: d.data as NewEvent['data'], meta: d.meta }));
            const appended = await store.append(stream, events);
            const read = await collect(store.readStream(stream));
            // JSON cannot tell -0 from 0 (fc.jsonValue makes -0 now and then, and toEqual tells them apart); everything else comes back as given.
            const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
            expect(read).toEqual(appended.events.map((e) => ({ ...e, data: asJson(e.data) })));
            expect(read.map((e) => e.data)).toEqual(events.map((e) => asJson(e.data)));
            expect(verifyChain(read).ok).toBe(true);
          },
        ),
        { numRuns: 60 },
      );
    } finally {
      await store.close();
    }
  });
});

describe('record frame checksum', () => {
  it('checksums the length field as zlib would, so one zlib call per record gives the same CRC as before', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (length) => {
        const bytes = Buffer.alloc(4);
        bytes.writeUInt32LE(length);
        expect(lengthChecksum(length)).toBe(crc32(bytes));
      }),
      { numRuns: 2000 },
    );
  });
});
