/**
 * FsEventStore throughput. Run: `node packages/adapters-fs/bench/event-store-run.mjs [replayEvents]`.
 * Prints numbers only; targets (issue 3): ≥ 3k/s single durable, ≥ 200k/s batched, replay ≥ 500k/s.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent } from '@dotscience/core';
import { FsEventStore } from '../src/event-store/index.js';

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

function report(name: string, count: number, ms: number, unit = 'events/s'): void {
  console.log(`${name.padEnd(44)} ${Math.round((count / ms) * 1000).toLocaleString('en-US').padStart(12)} ${unit}   (${count.toLocaleString('en-US')} in ${ms.toFixed(0)} ms)`);
}

async function timed(fn: () => Promise<number>): Promise<[number, number]> {
  const t = performance.now();
  const n = await fn();
  return [n, performance.now() - t];
}

const dir = await mkdtemp(join(tmpdir(), 'ds-bench-events-'));
console.log(`machine: ${cpus()[0]?.model ?? '?'} × ${cpus().length}, node ${process.version}, dir ${dir}`);
try {
  let store = await FsEventStore.open(dir);

  const [single, singleMs] = await timed(async () => {
    let n = 0;
    const until = performance.now() + 3000;
    while (performance.now() < until) await store.append('run-single', [metric(n++)]);
    return n;
  });
  report('single-event durable appends (sequential)', single, singleMs, 'appends/s');

  const [concurrent, concurrentMs] = await timed(async () => {
    let n = 0;
    const until = performance.now() + 3000;
    await Promise.all(
      Array.from({ length: 64 }, async (_, k) => {
        while (performance.now() < until) {
          await store.append(`run-c${k}`, [metric(n++)]);
        }
      }),
    );
    return n;
  });
  report('single-event appends, 64 concurrent (group commit)', concurrent, concurrentMs, 'appends/s');

  const batch = 1000;
  const [batched, batchedMs] = await timed(async () => {
    for (let i = 0; i < 300; i++) await store.append(`run-b${i % 10}`, Array.from({ length: batch }, (_, k) => metric(k)));
    return 300 * batch;
  });
  report(`batched appends (${batch} per append)`, batched, batchedMs);

  const fill = Math.max(0, replayEvents - store.eventCount);
  for (let i = 0; i < fill; i += batch) await store.append(`run-f${i % 100}`, Array.from({ length: Math.min(batch, fill - i) }, (_, k) => metric(k)));
  const total = store.eventCount;

  const [replayed, replayMs] = await timed(async () => {
    let n = 0;
    for await (const e of store.readAll()) if (e.position >= 0) n++;
    return n;
  });
  report('full replay (readAll)', replayed, replayMs);

  const [streamRead, streamMs] = await timed(async () => {
    let n = 0;
    for await (const e of store.readStream('run-b3')) if (e.revision >= 0) n++;
    return n;
  });
  report('readStream of one stream (interleaved)', streamRead, streamMs);

  await store.close();
  for (const [name, options] of [
    ['open (index snapshot, verify all checksums)', {}],
    ['open (index snapshot, no checksum pass)', { verifyChecksumsOnOpen: false }],
    ['open read-only (index snapshot)', { readOnly: true }],
  ] as const) {
    const t = performance.now();
    store = await FsEventStore.open(dir, options);
    report(name, total, performance.now() - t);
    await store.close();
  }
  store = await FsEventStore.open(dir);
  const [rebuilt, rebuildMs] = await timed(async () => (await store.rebuildIndex()).events);
  report('rebuildIndex from the log', rebuilt, rebuildMs);
  await store.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}
