import { open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { AnchorVerifier } from '@dotscience/core';
import { LOG_BLOCK_RECORDS, logHashOf } from '@dotscience/core/store-kit';
import { FsEventStore } from '../../src/event-store/index.js';
import { ANCHORS_FILE } from '../../src/event-store/log-anchors.js';
import { collect, metricEvent, storePerTest } from './fixtures.js';

/** The lines of the anchors file; with an open `writer`, once the lines it was given are written (they are written off the event loop). */
const lines = async (dir: string, writer?: FsEventStore) => {
  await writer?.readAnchors();
  return (await readFile(join(dir, ANCHORS_FILE), 'latin1')).trimEnd().split('\n');
};

async function verdict(store: FsEventStore) {
  const verifier = new AnchorVerifier(await store.readAnchors());
  for await (const e of store.readAll()) verifier.check(e);
  return verifier.finish(await store.indexSnapshotCount());
}

describe('FsEventStore anchors', () => {
  const t = storePerTest({ sealOnWorkerFromEvents: 64 });

  it('given appends small and large (sealed on the worker) across blocks, then each commit leaves a head line, each block a block line, and the head is the log hash over every record', async () => {
    await t.store.append('run-a', [metricEvent(0)]);
    await t.store.append(
      'run-b',
      Array.from({ length: LOG_BLOCK_RECORDS + 300 }, (_, i) => metricEvent(i)),
    );
    await Promise.all([t.store.append('run-c', [metricEvent(0)]), t.store.append('run-d', [metricEvent(0), metricEvent(1)])]);
    const all = await collect(t.store.readAll());
    expect(t.store.logHead()).toEqual({ count: all.length, position: all.length - 1, logHash: logHashOf(all.map((e) => e.hash)) });
    const written = await lines(t.dir, t.store);
    expect(written.filter((l) => l.startsWith('b '))).toHaveLength(1);
    expect(written.at(-1)).toBe(`h ${all.length} ${logHashOf(all.map((e) => e.hash))}`);
    const report = await verdict(t.store);
    expect(report.break).toBeUndefined();
    expect(report.verifiedRecords).toBe(all.length);
  });

  it('given commits that keep coming while anchor lines are written, then the lines gather, and once written() resolves the file holds the head of every commit in order', async () => {
    let commits = 0;
    for (let round = 0; round < 5; round++) {
      // Each round's commits land while the lines of the rounds before may still be in flight.
      await Promise.all(Array.from({ length: 20 }, (_, i) => t.store.append(`run-${i}`, [metricEvent(round)]).then(() => commits++)));
    }
    const heads = (await lines(t.dir, t.store)).filter((l) => l.startsWith('h '));
    const counts = heads.map((l) => Number(l.split(' ')[1]));
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    const all = await collect(t.store.readAll());
    expect(all).toHaveLength(commits);
    expect(heads.at(-1)).toBe(`h ${all.length} ${logHashOf(all.map((e) => e.hash))}`);
    expect((await verdict(t.store)).break).toBeUndefined();
  });

  it('given a reopen, then the chain resumes where it was: no line is added, and the next commit chains on', async () => {
    await t.store.append(
      'run-a',
      Array.from({ length: LOG_BLOCK_RECORDS + 10 }, (_, i) => metricEvent(i)),
    );
    await t.store.close();
    const before = await lines(t.dir);
    t.store = await FsEventStore.open(t.dir);
    expect(await lines(t.dir)).toEqual(before);
    await t.store.append('run-a', [metricEvent(9999)]);
    const all = await collect(t.store.readAll());
    expect(t.store.logHead()?.logHash).toBe(logHashOf(all.map((e) => e.hash)));
    expect((await verdict(t.store)).break).toBeUndefined();
  });

  it('given the last head lines lost (a crash after the records were synced), when a writer opens, then it anchors the log as it is with a recovered line', async () => {
    await t.store.append('run-a', [metricEvent(0)]);
    await t.store.append('run-a', [metricEvent(1)]);
    await t.store.close();
    const kept = (await lines(t.dir)).slice(0, 1);
    await writeFile(join(t.dir, ANCHORS_FILE), `${kept.join('\n')}\n`);
    t.store = await FsEventStore.open(t.dir);
    const all = await collect(t.store.readAll());
    expect((await lines(t.dir)).at(-1)).toBe(`r 2 ${logHashOf(all.map((e) => e.hash))}`);
    const report = await verdict(t.store);
    expect(report.break).toBeUndefined();
    expect(report.recoveredRecords).toBe(2);
  });

  it('given a log written before anchors (no anchors file), when a writer opens, then the whole log is anchored as recovered and verifies', async () => {
    await t.store.append('run-a', [metricEvent(0), metricEvent(1), metricEvent(2)]);
    await t.store.close();
    await rm(join(t.dir, ANCHORS_FILE));
    t.store = await FsEventStore.open(t.dir);
    expect(await lines(t.dir)).toHaveLength(1);
    expect((await lines(t.dir))[0]).toMatch(/^r 3 [0-9a-f]{64}$/);
    expect((await stat(join(t.dir, ANCHORS_FILE))).mode & 0o777).toBe(0o600);
    expect((await verdict(t.store)).break).toBeUndefined();
  });

  it('given a commit whose fdatasync fails (a full disk), then the chain it was hashing while the disk synced is dropped: the head and the lines cover only the commits that held', async () => {
    await t.store.append('run-a', [metricEvent(0)]);
    const handle = await open(t.dir, 'r'); // any handle: the prototype every FileHandle shares
    const fileHandle = Object.getPrototypeOf(handle) as { datasync: () => Promise<void> };
    await handle.close();
    const full = Object.assign(new Error('ENOSPC: no space left on device, fdatasync'), { code: 'ENOSPC' });
    const failing = vi.spyOn(fileHandle, 'datasync').mockRejectedValueOnce(full);
    try {
      await expect(
        t.store.append(
          'run-b',
          Array.from({ length: 200 }, (_, i) => metricEvent(i)),
        ),
      ).rejects.toThrow(/no space left/);
    } finally {
      failing.mockRestore();
    }
    expect(t.store.logHead()?.count).toBe(1);
    await t.store.append('run-c', [metricEvent(0), metricEvent(1)]);
    const all = await collect(t.store.readAll());
    expect(all.map((e) => e.stream)).toEqual(['run-a', 'run-c', 'run-c']);
    expect(t.store.logHead()).toEqual({ count: 3, position: 2, logHash: logHashOf(all.map((e) => e.hash)) });
    expect((await lines(t.dir, t.store)).at(-1)).toBe(`h 3 ${logHashOf(all.map((e) => e.hash))}`);
    expect((await verdict(t.store)).break).toBeUndefined();
  });

  it('given a read-only store, then it keeps no head and writes no line', async () => {
    await t.store.append('run-a', [metricEvent(0)]);
    const before = await lines(t.dir, t.store);
    const reader = await FsEventStore.open(t.dir, { readOnly: true });
    try {
      expect(reader.logHead()).toBeUndefined();
      expect(await reader.readAnchors()).toHaveLength(before.length);
    } finally {
      await reader.close();
    }
    expect(await lines(t.dir)).toEqual(before);
  });
});
