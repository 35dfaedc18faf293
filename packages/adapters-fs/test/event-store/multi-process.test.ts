import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyChain } from '@dotscience/core';
import { FsEventStore } from '../../src/event-store/index.js';
import { bundleStoreChild, startChild } from './child-process-bundle.js';
import { collect, metricEvent, tempStoreDir } from './fixtures.js';

describe('FsEventStore shared by processes', () => {
  let bundle: string;
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    bundle = await bundleStoreChild();
  });
  beforeEach(async () => {
    ({ dir, cleanup } = await tempStoreDir());
  });
  afterEach(() => cleanup());

  it('given two processes appending to different streams, taking turns through the writer lock, then nothing is lost or corrupted', async () => {
    const a = startChild(bundle, ['append-batches', dir, 'run-a', '25', '4']);
    const b = startChild(bundle, ['append-batches', dir, 'run-b', '25', '4']);
    expect(await Promise.all([a.exited, b.exited])).toEqual([0, 0]);
    const acked = [...a.lines, ...b.lines].flatMap((l) => l.slice(4).split(' '));
    const store = await FsEventStore.open(dir);
    try {
      const all = await collect(store.readAll());
      expect(all).toHaveLength(200);
      expect(new Set(all.map((e) => e.id))).toEqual(new Set(acked));
      expect(verifyChain(all)).toEqual({ ok: true, streams: 2, events: 200 });
      expect((await collect(store.readStream('run-a'))).map((e) => e.revision)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    } finally {
      await store.close();
    }
  });

  it('given two processes appending to one stream with the same expected revision, then exactly one wins', async () => {
    for (let round = 0; round < 3; round++) {
      const setup = await FsEventStore.open(dir);
      const head = (await setup.append('run-x', [metricEvent(round)])).nextExpectedRevision;
      await setup.close();
      const contenders = [0, 1].map(() => startChild(bundle, ['append-expecting', dir, 'run-x', String(head)]));
      expect(await Promise.all(contenders.map((c) => c.exited))).toEqual([0, 0]);
      expect(contenders.flatMap((c) => c.lines).sort()).toEqual(['lost', 'won']);
    }
    const store = await FsEventStore.open(dir);
    try {
      const stream = await collect(store.readStream('run-x'));
      expect(stream).toHaveLength(6);
      expect(verifyChain(stream).ok).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('given a read-only subscriber in another process, when this process appends, then it sees history and every live append once, in order', async () => {
    const store = await FsEventStore.open(dir);
    try {
      for (let i = 0; i < 3; i++) await store.append('run-a', [metricEvent(i)]);
      const follower = startChild(bundle, ['follow', dir, '13']);
      while (!follower.lines.includes('subscribed') && follower.exitCode === null) await new Promise((r) => setTimeout(r, 5));
      for (let i = 3; i < 8; i++) await store.append('run-a', [metricEvent(i)]);
      await new Promise((r) => setTimeout(r, 50));
      await store.append(
        'run-b',
        [3, 4, 5, 6, 7].map((n) => metricEvent(n)),
      );
      expect(await follower.exited).toBe(0);
      const seen = follower.lines.filter((l) => l.startsWith('event ')).map((l) => Number(l.split(' ')[1]));
      expect(seen).toEqual(Array.from({ length: 13 }, (_, i) => i));
      const ids = follower.lines.filter((l) => l.startsWith('event ')).map((l) => l.split(' ')[2]);
      expect(ids).toEqual((await collect(store.readAll())).map((e) => e.id));
    } finally {
      await store.close();
    }
  });
});
