import { open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logHashOf } from '@dotscience/core/store-kit';
import { FsEventStore } from '../../src/event-store/index.js';
import { ANCHORS_FILE } from '../../src/event-store/log-anchors.js';
import { collect, metricEvent, storePerTest } from './fixtures.js';

/** The lines of the anchors file; with an open `writer`, once the lines it was given are written (they are written off the event loop). */
const anchorLines = async (dir: string, writer?: FsEventStore): Promise<string[]> => {
  await writer?.readAnchors();
  return (await readFile(join(dir, ANCHORS_FILE), 'latin1').catch(() => '')).trimEnd().split('\n').filter(Boolean);
};

describe('FsEventStore: deferred appends (AppendOptions.durability)', () => {
  const t = storePerTest();
  let datasyncs = 0;
  let restore: () => void = () => undefined;

  beforeEach(async () => {
    // The FileHandle class is only reachable through a handle: open one to wrap its prototype's datasync.
    const probePath = join(tmpdir(), `ds-datasync-probe-${process.pid}`);
    const probe = await open(probePath, 'w');
    const proto = Object.getPrototypeOf(probe) as { datasync: () => Promise<void> };
    await probe.close();
    await rm(probePath, { force: true });
    const real = proto.datasync;
    proto.datasync = function (this: unknown) {
      datasyncs++;
      return real.call(this);
    };
    restore = () => void (proto.datasync = real);
    datasyncs = 0;
  });
  afterEach(() => restore());

  it('given deferred appends, when they resolve, then they are readable in order without an fdatasync and no anchor vouches for them yet', async () => {
    const before = await anchorLines(t.dir, t.store);
    await t.store.append('run-a', [metricEvent(0)], { durability: 'deferred' });
    await t.store.append('run-a', [metricEvent(1)], { durability: 'deferred', expectedRevision: 0 });
    expect(datasyncs).toBe(0);
    expect((await collect(t.store.readStream('run-a'))).map((e) => e.revision)).toEqual([0, 1]);
    expect(await anchorLines(t.dir, t.store)).toEqual(before);
  });

  it('given deferred appends then a durable one, then one fdatasync makes all durable and the head line covers every record', async () => {
    await t.store.append('run-a', [metricEvent(0)], { durability: 'deferred' });
    await t.store.append('run-b', [metricEvent(0)], { durability: 'deferred' });
    await t.store.append('run-a', [metricEvent(1)]);
    expect(datasyncs).toBe(1);
    const all = await collect(t.store.readAll());
    expect((await anchorLines(t.dir, t.store)).at(-1)).toBe(`h ${all.length} ${logHashOf(all.map((e) => e.hash))}`);
  });

  it('given deferred appends and no durable one, when the store closes, then close syncs them and anchors them, and a reopen reads them all', async () => {
    await t.store.append('run-a', [metricEvent(0), metricEvent(1)], { durability: 'deferred' });
    await t.store.close();
    expect(datasyncs).toBeGreaterThanOrEqual(1); // the log's (and the index snapshot's)
    t.store = await FsEventStore.open(t.dir);
    const all = await collect(t.store.readAll());
    expect(all).toHaveLength(2);
    expect((await anchorLines(t.dir)).at(-1)).toBe(`h 2 ${logHashOf(all.map((e) => e.hash))}`);
  });
});
