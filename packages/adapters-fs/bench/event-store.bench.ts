/**
 * FsEventStore throughput. Run: `node packages/adapters-fs/bench/event-store-run.mjs [replayEvents]`.
 * Targets (issue 3): ≥ 3k/s single durable, ≥ 200k/s batched, replay ≥ 500k/s.
 * Each figure: one warm-up run, then ≥ 5 timed runs, median and spread. Next to ours,
 * the machine's limit for the same work, measured in the same run:
 * - single appends: a bare write + fdatasync loop of one record on the same file system;
 * - batched appends: write + fdatasync of the same bytes (what the disk alone costs);
 * - replay: decoding (JSON.parse, either record layout) of the same records already in memory: what is left to the
 *   main thread, since a replay's chunks are read and checksummed on the record worker.
 */
import { randomUUID } from 'node:crypto';
import { writeSync } from 'node:fs';
import { mkdtemp, open, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent } from '@dotscience/core';
import { machineLine, measure, timed, type Timed } from '../../core/bench/measurement.js';
import { FsEventStore } from '../src/event-store/index.js';
import { decodeRecord } from '../src/event-store/record-codec.js';
import { FRAME_HEADER_BYTES, readFrame } from '../src/event-store/record-frame.js';

const BENCH = 'adapters-fs: event store';
const replayEvents = Number(process.argv[2] ?? 1_000_000);

function metric(step: number): NewEvent {
  return {
    id: randomUUID(),
    type: 'MetricRecorded',
    schemaVersion: 1,
    data: { name: 'loss', value: Math.random(), step, at: new Date().toISOString() },
    meta: { correlationId: 'bench', actor: { user: 'bench', host: 'localhost' }, sdkVersion: '0.1.0' },
  };
}

/** Repeat `step` for `ms` milliseconds; the count is what `step` reports done. */
async function forAbout(ms: number, step: () => Promise<number>): Promise<Timed> {
  return timed(async () => {
    let n = 0;
    const until = performance.now() + ms;
    while (performance.now() < until) n += await step();
    return n;
  });
}

/** A bare durable-write loop: the disk's limit for what a single-event append must do. */
async function bareDurableWrites(path: string, bytes: Buffer, ms: number): Promise<Timed> {
  const fh = await open(path, 'w');
  try {
    let at = 0;
    return await forAbout(ms, async () => {
      writeSync(fh.fd, bytes, 0, bytes.length, at);
      at += bytes.length;
      await fh.datasync();
      return 1;
    });
  } finally {
    await fh.close();
  }
}

const dir = await mkdtemp(join(tmpdir(), 'ds-bench-events-'));
console.log(`${machineLine()}, dir ${dir}`);
try {
  let store = await FsEventStore.open(dir);
  const recordBytes = Buffer.alloc(530, 0x61); // about one metric record with its frame

  let single = 0;
  await measure(
    BENCH,
    'single-event durable appends (sequential)',
    'appends/s',
    () => forAbout(1000, async () => (await store.append('run-single', [metric(single++)]), 1)),
    { key: 'event-store.single' },
  );
  await measure(BENCH, 'limit: bare write + fdatasync of one record', 'writes/s', () => bareDurableWrites(join(dir, 'bare.dat'), recordBytes, 1000), {
    key: 'event-store.single.limit',
  });

  let concurrent = 0;
  await measure(BENCH, 'single-event appends, 64 concurrent (group commit)', 'appends/s', () =>
    timed(async () => {
      let n = 0;
      const until = performance.now() + 1000;
      await Promise.all(
        Array.from({ length: 64 }, async (_, k) => {
          while (performance.now() < until) {
            await store.append(`run-c${k}`, [metric(concurrent++)]);
            n++;
          }
        }),
      );
      return n;
    }),
  );

  const batch = 1000;
  // Only the appends are timed: the caller's events (a random UUID and a timestamp each, ~1 µs) are made
  // before each append, outside the clock, since creating them is not the store's work.
  await measure(
    BENCH,
    `batched appends (${batch} events per append; events made outside the timed appends)`,
    'events/s',
    async () => {
      let ms = 0;
      for (let i = 0; i < 60; i++) {
        const events = Array.from({ length: batch }, (_, k) => metric(k));
        const start = performance.now();
        await store.append(`run-b${i % 10}`, events);
        ms += performance.now() - start;
      }
      return { count: 60 * batch, ms };
    },
    { key: 'event-store.batched', runs: 9 },
  ); // a run is ~0.3 s, and this machine's neighbours move single runs by ±20%: nine give a steadier median
  const batchBytes = Buffer.alloc(batch * recordBytes.length, 0x61);
  await measure(
    BENCH,
    `limit: write + fdatasync of ${batch} records' bytes`,
    'events/s',
    async () => {
      const t = await bareDurableWrites(join(dir, 'bare.dat'), batchBytes, 1000);
      return { count: t.count * batch, ms: t.ms };
    },
    { key: 'event-store.batched.limit' },
  );

  const fill = Math.max(0, replayEvents - store.eventCount);
  for (let i = 0; i < fill; i += batch)
    await store.append(
      `run-f${i % 100}`,
      Array.from({ length: Math.min(batch, fill - i) }, (_, k) => metric(k)),
    );
  const total = store.eventCount;

  await measure(
    BENCH,
    `full replay (readAll, ${total.toLocaleString('en-US')} events)`,
    'events/s',
    () =>
      timed(async () => {
        let n = 0;
        for await (const e of store.readAll()) if (e.position >= 0) n++;
        return n;
      }),
    { key: 'event-store.replay' },
  );
  const segments = await Promise.all(
    (await readdir(dir))
      .filter((f) => f.startsWith('segment-'))
      .sort()
      .map((f) => readFile(join(dir, f))),
  );
  // A replay's chunks are read and their checksums checked on the record worker, so decoding is
  // what is left to this thread: its limit is decoding the same records from memory.
  await measure(
    BENCH,
    "limit: decode of the same records in memory (this thread's share; checksums are checked on the worker)",
    'events/s',
    () =>
      timed(() => {
        let n = 0;
        for (const buf of segments) {
          for (let at = 0; at + FRAME_HEADER_BYTES <= buf.length;) {
            const length = buf.readUInt32LE(at);
            if (length === 0) break;
            const start = at + FRAME_HEADER_BYTES;
            if (decodeRecord(buf.toString('utf8', start, start + length)).position >= 0) n++;
            at = start + length;
          }
        }
        return n;
      }),
    { key: 'event-store.replay.limit' },
  );
  await measure(BENCH, 'checksum + decode of the same records in memory, on one thread (a replay without the worker)', 'events/s', () =>
    timed(() => {
      let n = 0;
      for (const buf of segments) {
        for (let at = 0; at < buf.length;) {
          const frame = readFrame(buf, at);
          if (frame.kind !== 'record') break;
          if (decodeRecord(buf.toString('utf8', frame.payloadStart, frame.next)).position >= 0) n++;
          at = frame.next;
        }
      }
      return n;
    }),
  );

  await measure(BENCH, 'readStream of one stream (interleaved with others)', 'events/s', () =>
    timed(async () => {
      let n = 0;
      for await (const e of store.readStream('run-b3')) if (e.revision >= 0) n++;
      return n;
    }),
  );

  await store.close();
  for (const [name, options] of [
    ['open (index snapshot, verify all checksums)', {}],
    ['open (index snapshot, no checksum pass)', { verifyChecksumsOnOpen: false }],
    ['open read-only (index snapshot)', { readOnly: true }],
  ] as const) {
    await measure(BENCH, name, 'events/s', () =>
      timed(async () => {
        const opened = await FsEventStore.open(dir, options);
        await opened.close();
        return total;
      }),
    );
  }
  store = await FsEventStore.open(dir);
  await measure(BENCH, 'rebuildIndex from the log', 'events/s', () => timed(async () => (await store.rebuildIndex()).events));
  await store.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}
