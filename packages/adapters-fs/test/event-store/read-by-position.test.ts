import { readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyChain, type RecordedEvent } from '@dotscience/core';
import { FsEventStore, INDEX_SNAPSHOT_FILE, type FsEventStoreOptions } from '../../src/event-store/index.js';
import { collect, flipByteOf, metricEvent, plantSnapshotOfAnotherLog, tempStoreDir } from './fixtures.js';

/** What a read hands out, to compare two opens' answers. */
const placesOf = (events: readonly RecordedEvent[]): string[] => events.map((e) => `${e.position} ${e.stream} ${e.revision} ${e.hash}`);

/** docs/decisions.md D146: a read-only open reads the index snapshot by position until a read asks for a stream. */
describe('FsEventStore opened read-only, by position', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempStoreDir());
  });
  afterEach(() => cleanup());

  async function fill(from: number, to: number, options: FsEventStoreOptions = {}, perAppend = 1): Promise<void> {
    const store = await FsEventStore.open(dir, options);
    for (let i = from; i < to; i += perAppend) {
      const events = Array.from({ length: Math.min(perAppend, to - i) }, (_, k) => metricEvent(i + k));
      await store.append(`run-${(i / perAppend) % 4}`, events);
    }
    await store.close();
  }

  /** What a full open (every record checked, the whole snapshot or the records read) answers. */
  async function fullRead(read: (store: FsEventStore) => AsyncIterable<RecordedEvent>): Promise<string[]> {
    const store = await FsEventStore.open(dir, { readOnly: true, verifyChecksumsOnOpen: true });
    try {
      return placesOf(await collect(read(store)));
    } finally {
      await store.close();
    }
  }

  async function withReader<T>(use: (reader: FsEventStore) => Promise<T>): Promise<T> {
    const reader = await FsEventStore.open(dir, { readOnly: true });
    try {
      return await use(reader);
    } finally {
      await reader.close();
    }
  }

  it('given a log and its snapshot, when opened read-only, then it opens from the snapshot without its streams, and reads by position and by stream answer as a full open', async () => {
    await fill(0, 40);
    await withReader(async (reader) => {
      expect(reader.openReport).toEqual({ events: 40, streams: undefined, indexFromSnapshot: true, truncatedTornTailBytes: 0 });
      expect(reader.eventCount).toBe(40);
      expect(placesOf(await collect(reader.readAll({ fromPosition: 30 })))).toEqual(await fullRead((s) => s.readAll({ fromPosition: 30 })));
      expect(placesOf(await collect(reader.readAll({ fromPosition: 39, maxCount: 1 })))).toEqual(
        await fullRead((s) => s.readAll({ fromPosition: 39, maxCount: 1 })),
      );
      expect(placesOf(await collect(reader.readStream('run-3', { fromRevision: 2 })))).toEqual(
        await fullRead((s) => s.readStream('run-3', { fromRevision: 2 })),
      );
      expect(placesOf(await collect(reader.readAll()))).toEqual(await fullRead((s) => s.readAll()));
    });
  });

  it('given a log of several segments and several blocks of the snapshot, when read-only reads start near the end, in the middle and at 0, then each answers as a full open', async () => {
    await fill(0, 20_000, { segmentMaxBytes: 1024 * 1024 }, 500);
    const expected = await fullRead((s) => s.readAll());
    await withReader(async (reader) => {
      for (const from of [19_990, 16_384, 16_383, 8_000, 0]) {
        const read = await collect(reader.readAll({ fromPosition: from }));
        expect(placesOf(read)).toEqual(expected.slice(from));
      }
    });
    expect(verifyChain(await withReader((reader) => collect(reader.readAll()))).ok).toBe(true);
  });

  it('given a snapshot older than the log (the log grew after it), when opened read-only, then the records after it are read from the log and every position answers', async () => {
    await fill(0, 10);
    const path = join(dir, INDEX_SNAPSHOT_FILE);
    const old = await readFile(path);
    await fill(10, 30);
    await writeFile(path, old);
    await withReader(async (reader) => {
      expect(reader.openReport).toMatchObject({ events: 30, indexFromSnapshot: true });
      expect(placesOf(await collect(reader.readAll({ fromPosition: 5 })))).toEqual(await fullRead((s) => s.readAll({ fromPosition: 5 })));
    });
  });

  it('given a reader opened by position, when another process appends, then its next read takes in the new records', async () => {
    await fill(0, 20);
    await withReader(async (reader) => {
      expect(reader.eventCount).toBe(20);
      await fill(20, 25);
      const tail = await collect(reader.readAll({ fromPosition: 18 }));
      expect(tail.map((e) => e.position)).toEqual([18, 19, 20, 21, 22, 23, 24]);
      expect(placesOf(tail)).toEqual(await fullRead((s) => s.readAll({ fromPosition: 18 })));
    });
  });

  it('given the log restored from an older copy (shorter than its snapshot), when opened read-only, then the snapshot is not used and what the log holds reads back', async () => {
    await fill(0, 20);
    const segment = join(dir, 'segment-0000000000000000.log');
    const older = await readFile(segment);
    await fill(20, 40);
    await writeFile(segment, older);
    await withReader(async (reader) => {
      expect(reader.openReport).toMatchObject({ events: 20, indexFromSnapshot: false });
      expect(verifyChain(await collect(reader.readAll())).ok).toBe(true);
    });
  });

  it('given the log cut back to a record boundary inside what the snapshot covers, when opened read-only, then the snapshot is not used', async () => {
    await fill(0, 10);
    const segment = join(dir, 'segment-0000000000000000.log');
    const size = (await readFile(segment)).length;
    await fill(10, 20);
    await truncate(segment, size);
    await withReader(async (reader) => {
      expect(reader.openReport).toMatchObject({ events: 10, indexFromSnapshot: false });
    });
  });

  it("given another log's snapshot of the same length, when opened read-only, then its last record's hash does not match and the index is built from the records", async () => {
    await fill(0, 20);
    await plantSnapshotOfAnotherLog(dir, 20);
    await withReader(async (reader) => {
      expect(reader.openReport.indexFromSnapshot).toBe(false);
      expect((await collect(reader.readAll())).map((e) => e.stream)).toEqual(Array.from({ length: 20 }, (_, i) => `run-${i % 4}`));
    });
  });

  it('given a snapshot of format 1, when opened read-only, then it is read in full; once a writer has opened and closed the log, a read-only open reads it by position', async () => {
    await fill(0, 20);
    const path = join(dir, INDEX_SNAPSHOT_FILE);
    await writeFile(path, formatOne(await readFile(path)));
    await withReader(async (reader) => {
      expect(reader.openReport).toMatchObject({ events: 20, streams: 4, indexFromSnapshot: true });
    });
    await fill(20, 20); // a writer's open and close, nothing appended
    await withReader(async (reader) => {
      expect(reader.openReport).toMatchObject({ events: 20, streams: undefined, indexFromSnapshot: true });
      expect(placesOf(await collect(reader.readAll()))).toEqual(await fullRead((s) => s.readAll()));
    });
  });

  it("given the snapshot's header naming another end of the last segment (the header has no crc of its own), when opened read-only, then the snapshot is not used", async () => {
    await fill(0, 20);
    const path = join(dir, INDEX_SNAPSHOT_FILE);
    const snapshot = await readFile(path);
    const header = snapshot.toString('utf8', 8, 8 + snapshot.readUInt32LE(4));
    const end = /"lastSegmentEnd":(\d+)/.exec(header)![1]!;
    const moved = String(Number(end) - 1).padStart(end.length, '1');
    await writeFile(path, Buffer.from(snapshot.toString('latin1').replace(`"lastSegmentEnd":${end}`, `"lastSegmentEnd":${moved}`), 'latin1'));
    await withReader(async (reader) => {
      expect(reader.openReport).toMatchObject({ events: 20, indexFromSnapshot: false });
      expect(verifyChain(await collect(reader.readAll())).ok).toBe(true);
    });
  });

  it("given a byte of the snapshot's offsets damaged in a block the open does not read, when a read reaches it, then the block's crc refuses it, the log is opened in full and every record reads back", async () => {
    await fill(0, 20_000, { segmentMaxBytes: 1024 * 1024 }, 500);
    const expected = await fullRead((s) => s.readAll());
    const path = join(dir, INDEX_SNAPSHOT_FILE);
    const headerLength = (await readFile(path)).readUInt32LE(4);
    await flipByteOf(path, 8 + headerLength + 4 * 100); // the offset of position 100, in the first block
    await withReader(async (reader) => {
      expect(reader.openReport).toMatchObject({ events: 20_000, indexFromSnapshot: true });
      expect(placesOf(await collect(reader.readAll({ fromPosition: 19_000 })))).toEqual(expected.slice(19_000));
      expect(placesOf(await collect(reader.readAll({ fromPosition: 50 })))).toEqual(expected.slice(50));
      expect(placesOf(await collect(reader.readStream('run-1', { maxCount: 2 })))).toHaveLength(2);
    });
  });
});

/** The same snapshot in format 1: the streams inside the header, no block crcs (what stores written before D146 hold). */
function formatOne(snapshot: Buffer): Buffer {
  const headerLength = snapshot.readUInt32LE(4);
  const header = JSON.parse(snapshot.toString('utf8', 8, 8 + headerLength)) as { count: number };
  const columnsAt = 8 + headerLength;
  const columns = snapshot.subarray(columnsAt, columnsAt + 16 * header.count);
  const streams = JSON.parse(snapshot.toString('utf8', columnsAt + 16 * header.count + 4 * Math.ceil(header.count / 16_384), snapshot.length - 4)) as unknown;
  const json = Buffer.from(JSON.stringify({ ...header, format: 1, streams }));
  const lengthField = Buffer.alloc(4);
  lengthField.writeUInt32LE(json.length);
  const body = Buffer.concat([snapshot.subarray(0, 4), lengthField, json, columns]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32LE(crc32(body));
  return Buffer.concat([body, crc]);
}
