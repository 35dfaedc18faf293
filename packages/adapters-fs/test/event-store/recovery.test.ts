import { appendFile, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyChain } from '@dotscience/core';
import { CorruptLogError, FsEventStore, INDEX_SNAPSHOT_FILE } from '../../src/event-store/index.js';
import { collect, flipByteOf, metricEvent, plantSnapshotOfAnotherLog, tempStoreDir } from './fixtures.js';

const SEGMENT = 'segment-0000000000000000.log';

describe('FsEventStore recovery on open', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let segment: string;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempStoreDir());
    segment = join(dir, SEGMENT);
    const store = await FsEventStore.open(dir);
    for (let i = 0; i < 40; i++) await store.append(`run-${i % 4}`, [metricEvent(i)]);
    await store.close();
  });
  afterEach(() => cleanup());

  const flipByteAt = (offset: number): Promise<void> => flipByteOf(segment, offset);

  /** Byte offset where the record at `position` starts (frames are 8-byte header + JSON). */
  async function recordOffset(position: number): Promise<number> {
    const bytes = await readFile(segment);
    let at = 0;
    for (let p = 0; p < position; p++) at += 8 + bytes.readUInt32LE(at);
    return at;
  }

  for (const withSnapshot of [true, false]) {
    it(`given a byte flipped in the middle of a segment (index snapshot ${withSnapshot ? 'present' : 'deleted'}), when opened, then CorruptLogError names the segment and the record's offset`, async () => {
      if (!withSnapshot) await rm(join(dir, INDEX_SNAPSHOT_FILE));
      const offset = await recordOffset(20);
      await flipByteAt(offset + 30);
      const error = await FsEventStore.open(dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CorruptLogError);
      expect(error).toMatchObject({ code: 'CORRUPT_LOG', segment: SEGMENT, offset });
      expect((error as Error).message).toContain(`${SEGMENT} is damaged at byte offset ${offset}`);
      expect((await stat(segment)).size).toBeGreaterThan(offset); // nothing was cut off
      // A reader (ds audit verify reads every record) reports it too.
      await expect(readEverything({ readOnly: true })).rejects.toMatchObject({ code: 'CORRUPT_LOG', segment: SEGMENT, offset });
    });
  }

  async function readEverything(options: { readOnly: boolean }, fromPosition = 0): Promise<unknown[]> {
    const store = await FsEventStore.open(dir, options);
    try {
      return await collect(store.readAll({ fromPosition }));
    } finally {
      await store.close();
    }
  }

  it('given an index snapshot and a byte flipped in a record it covers, when opened read-only, then the open reads only the last covered record: the records after the damage read, the damaged one is reported when read', async () => {
    const offset = await recordOffset(20);
    await flipByteAt(offset + 30);
    const reader = await FsEventStore.open(dir, { readOnly: true });
    try {
      expect(reader.openReport).toMatchObject({ indexFromSnapshot: true, events: 40 });
      expect(await collect(reader.readAll({ fromPosition: 21 }))).toHaveLength(19);
      await expect(collect(reader.readAll({ fromPosition: 20 }))).rejects.toMatchObject({ code: 'CORRUPT_LOG', segment: SEGMENT, offset });
    } finally {
      await reader.close();
    }
    await expect(FsEventStore.open(dir)).rejects.toMatchObject({ code: 'CORRUPT_LOG', segment: SEGMENT, offset }); // a writer checks every record
  });

  it("given another log's index snapshot in place of this one's, when opened read-only, then the snapshot is not used and every event reads back", async () => {
    await plantSnapshotOfAnotherLog(dir, 40);
    const reader = await FsEventStore.open(dir, { readOnly: true });
    try {
      expect(reader.openReport.indexFromSnapshot).toBe(false);
      const events = await collect(reader.readAll());
      expect(events.map((e) => e.stream)).toEqual(Array.from({ length: 40 }, (_, i) => `run-${i % 4}`));
      expect(verifyChain(events).ok).toBe(true);
    } finally {
      await reader.close();
    }
  });

  it('given a damaged length field in the middle, when opened, then CorruptLogError (the valid records after it are found)', async () => {
    const offset = await recordOffset(10);
    await flipByteAt(offset + 1);
    await rm(join(dir, INDEX_SNAPSHOT_FILE));
    await expect(FsEventStore.open(dir)).rejects.toMatchObject({ segment: SEGMENT, offset });
  });

  const tornTails: Array<[string, () => Promise<Buffer>]> = [
    ['half of a record', async () => (await readFile(segment)).subarray(0, 8 + (await readFile(segment)).readUInt32LE(0) / 2)],
    ['a header only', async () => (await readFile(segment)).subarray(0, 6)],
    ['zeros', async () => Buffer.alloc(300)],
    [
      'a whole-length record with a bad checksum',
      async () => {
        const first = (await readFile(segment)).subarray(0, 8 + (await readFile(segment)).readUInt32LE(0));
        const copy = Buffer.from(first);
        copy[copy.length - 3]! ^= 0x01;
        return copy;
      },
    ],
  ];
  for (const [what, tail] of tornTails) {
    it(`given a torn last record (${what}), when opened, then it is truncated silently and appends continue`, async () => {
      const sizeBefore = (await stat(segment)).size;
      await appendFile(segment, await tail());
      const reader = await FsEventStore.open(dir, { readOnly: true });
      expect(reader.eventCount).toBe(40); // to a reader the torn record is simply not written yet
      await reader.close();
      const store = await FsEventStore.open(dir);
      try {
        expect(store.openReport.truncatedTornTailBytes).toBeGreaterThan(0);
        expect((await stat(segment)).size).toBe(sizeBefore);
        await store.append('run-0', [metricEvent(40)], { expectedRevision: 9 });
        const all = await collect(store.readAll());
        expect(all).toHaveLength(41);
        expect(verifyChain(all).ok).toBe(true);
      } finally {
        await store.close();
      }
      const again = await FsEventStore.open(dir);
      expect(again.eventCount).toBe(41);
      await again.close();
    });
  }
});

describe('FsEventStore stream index', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempStoreDir());
  });
  afterEach(() => cleanup());

  async function fill(from: number, to: number, options = {}): Promise<void> {
    const store = await FsEventStore.open(dir, options);
    for (let i = from; i < to; i++) await store.append(`run-${i % 5}`, [metricEvent(i), metricEvent(i)]);
    await store.close();
  }

  /** The event count the index snapshot on disk covers (its header's), or -1 when there is none yet. */
  async function snapshotCount(): Promise<number> {
    const bytes = await readFile(join(dir, INDEX_SNAPSHOT_FILE)).catch(() => undefined);
    if (!bytes) return -1;
    return (JSON.parse(bytes.toString('utf8', 8, 8 + bytes.readUInt32LE(4))) as { count: number }).count;
  }

  it('given appends while open, when the log grows, then the index is snapshotted every snapshotEveryEvents events while the store is small and every eighth of its size once larger (snapshots cost O(n), not O(n²), over its life)', async () => {
    const store = await FsEventStore.open(dir, { snapshotEveryEvents: 10 });
    const taken: number[] = [];
    try {
      for (let count = 1; count <= 400; count++) {
        await store.append(`run-${count % 3}`, [metricEvent(count)]);
        const last = taken.at(-1) ?? 0;
        const due = count - last >= Math.max(10, Math.floor(last / 8));
        if (due) taken.push(count);
        // A snapshot is written after the commit that calls for it: wait for the one due, and see that no other appears.
        const expected = taken.at(-1) ?? -1;
        for (let tries = 0; tries < 400 && (await snapshotCount()) !== expected; tries++) await new Promise((r) => setTimeout(r, 5));
        expect(await snapshotCount()).toBe(expected);
      }
    } finally {
      await store.close();
    }
    // Every 10 events up to 80, then every eighth: 10, 20, … 80, 90, 101, 113, … 358 (21 in all, not 40).
    expect(taken.slice(0, 10)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 101]);
    expect(taken.length).toBe(21);
    expect(await snapshotCount()).toBe(400); // and one on close
  });

  it('given a persisted index, when rebuilt from the log, then the rebuilt index is byte-for-byte the persisted one', async () => {
    await fill(0, 50, { segmentMaxBytes: 4096 });
    const persisted = await readFile(join(dir, INDEX_SNAPSHOT_FILE));
    const store = await FsEventStore.open(dir, { segmentMaxBytes: 4096 });
    expect(store.openReport.indexFromSnapshot).toBe(true);
    const report = await store.rebuildIndex();
    expect(report).toMatchObject({ events: 100, streams: 5 });
    expect(await readFile(join(dir, INDEX_SNAPSHOT_FILE))).toEqual(persisted);
    expect((await readdir(dir)).filter((n) => n.startsWith('segment-')).length).toBeGreaterThan(3);
    await store.close();
  });

  for (const damage of ['deleted', 'corrupt', 'truncated'] as const) {
    it(`given a ${damage} index file, when opened, then the index is rebuilt from the log and reads are right`, async () => {
      await fill(0, 20);
      const path = join(dir, INDEX_SNAPSHOT_FILE);
      const good = await readFile(path);
      if (damage === 'deleted') await rm(path);
      if (damage === 'corrupt') await writeFile(path, Buffer.from(good).fill(7, 40, 48));
      if (damage === 'truncated') await writeFile(path, good.subarray(0, good.length - 9));
      const store = await FsEventStore.open(dir);
      try {
        expect(store.openReport).toMatchObject({ indexFromSnapshot: false, events: 40, streams: 5 });
        expect((await collect(store.readStream('run-3'))).map((e) => e.data)).toEqual(
          [3, 8, 13, 18].flatMap((i) => [metricEvent(i).data, metricEvent(i).data]),
        );
        await store.append('run-3', [metricEvent(99)], { expectedRevision: 7 });
      } finally {
        await store.close();
      }
      expect(await readFile(path)).not.toEqual(good);
    });
  }

  it('given an index snapshot older than the log, when opened, then it is used and only the newer records are scanned', async () => {
    await fill(0, 10);
    const path = join(dir, INDEX_SNAPSHOT_FILE);
    const old = await readFile(path);
    await fill(10, 20);
    await writeFile(path, old);
    const store = await FsEventStore.open(dir);
    try {
      expect(store.openReport).toMatchObject({ indexFromSnapshot: true, events: 40 });
      expect(verifyChain(await collect(store.readAll())).ok).toBe(true);
      expect(await store.append('run-0', [metricEvent(0)], { expectedRevision: 7 })).toMatchObject({ nextExpectedRevision: 8 });
    } finally {
      await store.close();
    }
  });
});
