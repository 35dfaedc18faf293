import { readFile, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { verifyChain } from '@dotscience/core';
import { CorruptLogError, FsEventStore, INDEX_SNAPSHOT_FILE } from '../../src/event-store/index.js';
import { recoverLog } from '../../src/event-store/log-recovery.js';
import { readRecords } from '../../src/event-store/record-reader.js';
import { RecordWorker } from '../../src/event-store/record-worker.js';
import { collect, flipByteOf, metricEvent, storePerTest } from './fixtures.js';

const SEGMENT = 'segment-0000000000000000.log';
/** More than one 1 MiB read chunk of metric records (~150 bytes each), so a replay reads several chunks. */
const EVENTS = 9_000;

async function fill(store: FsEventStore): Promise<void> {
  for (let i = 0; i < EVENTS; i += 1000)
    await store.append(
      `run-${(i / 1000) % 3}`,
      Array.from({ length: 1000 }, (_, k) => metricEvent(i + k)),
    );
}

/** Byte offset of the record at `position` in the (only) segment. */
async function recordOffset(dir: string, position: number): Promise<number> {
  const bytes = await readFile(join(dir, SEGMENT));
  let at = 0;
  for (let p = 0; p < position; p++) at += 8 + bytes.readUInt32LE(at);
  return at;
}

/** What reading every event gives: the events before the first failure, and the failure. */
async function readAllOutcome(store: FsEventStore): Promise<{ read: number; error: unknown }> {
  let read = 0;
  try {
    for await (const e of store.readAll()) if (e.position >= 0) read++;
  } catch (error) {
    return { read, error };
  }
  return { read, error: undefined };
}

describe('FsEventStore: replay chunks checked on the worker thread', () => {
  const subject = storePerTest({ verifyOnWorkerFromRecords: 1 });
  // Until the worker runs, chunks are read and checked here: these tests are about the worker's path.
  beforeEach(async () => {
    expect(await subject.store.startWorker()).toBe(true);
  });

  it('given a store of several read chunks, when it is replayed with the checks on the worker and on this thread, then both give every event, identical, chain verified', async () => {
    await fill(subject.store);
    const onWorker = await collect(subject.store.readAll());
    const here = await FsEventStore.open(subject.dir, { readOnly: true, verifyOnWorkerFromRecords: 0 });
    try {
      expect(onWorker).toEqual(await collect(here.readAll()));
    } finally {
      await here.close();
    }
    expect(onWorker.map((e) => e.position)).toEqual(onWorker.map((_, i) => i));
    expect(verifyChain(onWorker)).toEqual({ ok: true, streams: 3, events: EVENTS });
  });

  it('given a byte flipped in a record in the middle of the log after open, when replayed, then the events before it are handed out and CorruptLogError names the segment, the offset of the record and the checksum mismatch', async () => {
    await fill(subject.store);
    const damaged = 6_543;
    const offset = await recordOffset(subject.dir, damaged);
    await flipByteOf(join(subject.dir, SEGMENT), offset + 40);
    const onWorker = await readAllOutcome(subject.store);
    expect(onWorker.read).toBe(damaged);
    expect(onWorker.error).toBeInstanceOf(CorruptLogError);
    expect(onWorker.error).toMatchObject({ code: 'CORRUPT_LOG', segment: SEGMENT, offset });
    expect((onWorker.error as Error).message).toContain('(checksum mismatch)');
  });

  it('given a damaged length field in the middle, when replayed, then the events before it are handed out and CorruptLogError names the offset of that record', async () => {
    await fill(subject.store);
    const offset = await recordOffset(subject.dir, 4_000);
    await flipByteOf(join(subject.dir, SEGMENT), offset + 1);
    const outcome = await readAllOutcome(subject.store);
    expect(outcome.read).toBe(4_000);
    expect(outcome.error).toMatchObject({ code: 'CORRUPT_LOG', segment: SEGMENT, offset });
  });

  it('given a segment cut short behind the open store, when replayed, then the events before the cut are handed out and CorruptLogError says the segment is shorter than its index', async () => {
    await fill(subject.store);
    const cutAt = await recordOffset(subject.dir, 7_000);
    await truncate(join(subject.dir, SEGMENT), cutAt);
    const outcome = await readAllOutcome(subject.store);
    expect(outcome.read).toBeLessThanOrEqual(7_000);
    expect(outcome.read).toBeGreaterThan(5_000); // whole chunks before the cut
    expect(outcome.error).toMatchObject({ code: 'CORRUPT_LOG', segment: SEGMENT });
    expect((outcome.error as Error).message).toContain('the segment is shorter than its index says');
  });
});

describe('readRecords with a failing worker', () => {
  const subject = storePerTest();
  const workers: RecordWorker[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.close()));
  });

  const failing: Array<[string, string]> = [
    ['dies on its first job (taking the chunk it was sent with it)', `require('node:worker_threads').parentPort.on('message', () => process.exit(7));`],
    [
      'answers with an error',
      `const { parentPort } = require('node:worker_threads'); parentPort.on('message', ({ id }) => parentPort.postMessage({ id, error: 'broken' }));`,
    ],
  ];
  for (const [what, source] of failing) {
    it(`given a worker that ${what}, when a replay is read, then every event is read (checked on this thread) and the worker is not used again`, async () => {
      await fill(subject.store);
      const expected = await collect(subject.store.readAll());
      await subject.store.close();
      const { index } = await recoverLog(subject.dir, join(subject.dir, INDEX_SNAPSHOT_FILE), { role: 'reader', verifyChecksums: true, useSnapshot: true });
      const worker = new RecordWorker(source);
      workers.push(worker);
      expect(await worker.whenOnline()).toBe(true);
      const read = await collect(
        readRecords(
          subject.dir,
          index.table,
          expected.map((e) => e.position),
          { worker, fromRecords: 1 },
        ),
      );
      expect(read).toEqual(expected);
      expect(worker.usable).toBe(false);
      subject.store = await FsEventStore.open(subject.dir);
    });
  }
});

describe('RecordWorker start-up', () => {
  it('given a worker not started, when asked whether it is ready, then not yet (work stays on this thread) but it starts, and is ready once it runs; a failed one never is', async () => {
    const worker = new RecordWorker();
    try {
      expect(worker.ready()).toBe(false); // started by the question, not waited for
      expect(await worker.whenOnline()).toBe(true);
      expect(worker.ready()).toBe(true);
    } finally {
      await worker.close();
    }
    expect(worker.ready()).toBe(false);
    expect(await worker.whenOnline()).toBe(false);

    const dying = new RecordWorker(`process.exit(3);`);
    expect(dying.ready()).toBe(false);
    await vi.waitFor(() => expect(dying.usable).toBe(false)); // it exits as it starts
    expect(dying.ready()).toBe(false);
    await dying.close();
  });
});
