import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnchorVerifier, LogChain, verifyChain, type NewEvent, type RecordedEvent, type VersionRef } from '@dotscience/core';
import { DataStoreFullError, DiskFullError, FsDataStore, FsEventStore } from '@dotscience/adapters-fs';
import { recordFigures } from './campaign-figures.js';
import { mountTinyFilesystem, type TinyFilesystem } from './tiny-filesystem.js';

const SIZE = 2 * 1024 * 1024;
let fs: TinyFilesystem;
const rows: Array<[string, string | number]> = [];
const notes: string[] = [];

beforeAll(() => {
  fs = mountTinyFilesystem(SIZE);
  if (!fs.mounted) {
    process.stderr.write(`disk-full faults skipped: ${fs.reason}\n`);
    recordFigures({ id: '3-disk-full', title: 'Disk full', rows: [['result', 'skipped']], notes: [fs.reason] });
  }
});
afterAll(() => {
  if (fs.mounted) {
    recordFigures({ id: '3-disk-full', title: `Disk full (${fs.kind})`, rows, notes });
    fs.unmount();
  }
});

const freeBytes = (path: string): number => {
  const s = statfsSync(path);
  return s.bavail * s.bsize;
};
/** Fill the file system with a filler file, leaving about `leave` bytes free. */
function fill(dir: string, leave: number): string {
  const filler = join(dir, 'filler');
  writeFileSync(filler, Buffer.alloc(Math.max(0, freeBytes(dir) - leave)));
  return filler;
}
const padded = (n: number): NewEvent => ({ id: randomUUID(), type: 'MetricRecorded', schemaVersion: 1, data: { n, pad: 'x'.repeat(900) }, meta: {} });

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('disk full', () => {
  it('given the event log on a full file system, when appends fail, then each fails with DiskFullError, every acknowledged event survives a reopen, and appends work again once space is freed', async (context) => {
    if (!fs.mounted) return context.skip(fs.reason);
    const dir = join(fs.path, 'events');
    let store = await FsEventStore.open(dir, { segmentMaxBytes: 256 * 1024 });
    const filler = fill(fs.path, 192 * 1024);
    const acknowledged: string[] = [];
    const failures: unknown[] = [];
    for (let n = 0; failures.length < 20 && n < 10_000; n++) {
      const batch = [padded(n), padded(n)];
      try {
        await store.append(`run-${n % 3}`, batch);
        acknowledged.push(...batch.map((e) => e.id));
      } catch (err) {
        failures.push(err);
      }
    }
    const typed = failures.filter((e) => e instanceof DiskFullError).length;
    rows.push(['event appends acknowledged before the disk was full', acknowledged.length / 2]);
    rows.push(['appends refused once full / of them DiskFullError', `${failures.length} / ${typed}`]);
    expect(typed).toBe(failures.length);
    expect(String((failures[0] as Error).message)).toMatch(/no space left/);

    // Close on a full disk: the index snapshot may not fit, which must neither fail the close nor keep the lock.
    await store.close();
    rows.push(['close while full', 'succeeds, lock released']);
    store = await FsEventStore.open(dir);
    const whileFull = (await collect(store.readAll())).map((e) => e.id);
    const lostWhileFull = acknowledged.filter((id) => !whileFull.includes(id)).length;
    rows.push(['acknowledged events lost (reopened while still full)', lostWhileFull]);
    expect(lostWhileFull).toBe(0);

    const refused = Array.from({ length: 40 }, (_, i) => padded(-2 - i));
    const stillFull = await store.append('run-after', refused).catch((err: unknown) => err);
    expect(stillFull).toBeInstanceOf(DiskFullError);
    rmSync(filler);
    // The same store instance, no reopen: the failed write was cut off, so the next append just works.
    const after = await store.append('run-after', [padded(-1)]);
    acknowledged.push(after.events[0]!.id);
    // And the refused events' ids were forgotten with it: appending the same events again records them
    // (once), rather than answering as a retry of an append that never happened or refusing them as duplicates.
    const again = await store.append('run-after', refused);
    expect(again.events.map((e) => e.id)).toEqual(refused.map((e) => e.id));
    expect(again.events[0]!.revision).toBe(1);
    acknowledged.push(...again.events.map((e) => e.id));
    rows.push(['the refused append, sent again after freeing space', 'recorded once']);
    // The log chain the writer kept over the failed writes: it took in only the commits that held.
    const head = store.logHead();
    await store.close();
    store = await FsEventStore.open(dir);
    const all: RecordedEvent[] = await collect(store.readAll());
    const anchors = new AnchorVerifier(await store.readAnchors());
    for (const e of all) anchors.check(e);
    await store.close();
    const chain = new LogChain();
    chain.addAll(all);
    expect(head).toEqual(chain.head());
    const anchored = anchors.finish();
    rows.push(['log anchors after the episode', anchored.break ? `BROKEN: ${anchored.break.message}` : 'hold']);
    expect(anchored.break).toBeUndefined();
    const lost = acknowledged.filter((id) => !all.some((e) => e.id === id)).length;
    rows.push(['append after freeing space (same open store, no restart)', 'acknowledged']);
    rows.push(['acknowledged events lost after freeing space and reopening', lost]);
    rows.push(['hash chain after the episode', verifyChain(all).ok ? 'verifies' : 'BROKEN']);
    rows.push(['events refused but present in the log', all.length - acknowledged.length]);
    expect(lost).toBe(0);
    expect(all.length).toBe(acknowledged.length);
    expect(verifyChain(all).ok).toBe(true);
  });

  it('given the data store on a full file system, when a capture does not fit, then it fails with DataStoreFullError, leaves no partial object, earlier versions still materialize, and capture works once space is freed', async (context) => {
    if (!fs.mounted) return context.skip(fs.reason);
    const dir = join(fs.path, 'data');
    rmSync(join(fs.path, 'filler'), { force: true }); // whatever the event-log test left
    const source = join(fs.path, '..', 'source');
    mkdirSync(join(source, 'small'), { recursive: true });
    mkdirSync(join(source, 'big'), { recursive: true });
    writeFileSync(join(source, 'small', 'a.bin'), randomBytes(20_000));
    for (let i = 0; i < 4; i++) writeFileSync(join(source, 'big', `part-${i}.bin`), randomBytes(100_000));
    const store = new FsDataStore({ directory: dir, workers: 1 });
    try {
      const small: VersionRef = await store.capture(join(source, 'small'));
      const filler = fill(fs.path, 150 * 1024);
      let failure: unknown;
      try {
        await store.capture(join(source, 'big'));
      } catch (err) {
        failure = err;
      }
      rows.push(['capture bigger than the free space', failure instanceof DataStoreFullError ? 'DataStoreFullError' : `other: ${String(failure)}`]);
      expect(failure).toBeInstanceOf(DataStoreFullError);
      expect(String((failure as Error).message)).toMatch(/no space left/);
      const leftovers = readdirSync(join(dir, 'tmp')).length;
      rows.push(['temp files left behind by the failed capture', leftovers]);
      expect(leftovers).toBe(0);
      const target = join(fs.path, 'restored');
      await store.materialize(small, target);
      rows.push(['earlier version materializes while full', 'yes']);
      rmSync(target, { recursive: true });
      const whileFull = await store.verify();
      rows.push(['objects rehashed after the failed capture / corrupt', `${whileFull.objectsChecked} / ${whileFull.corrupt.length}`]);
      expect(whileFull.corrupt).toEqual([]);

      rmSync(filler);
      const big = await store.capture(join(source, 'big'));
      rows.push(['capture after freeing space', big.digest ? 'stored' : 'no digest']);
      const verified = await store.verify();
      rows.push(['objects verified after the episode / corrupt', `${verified.objectsChecked} / ${verified.corrupt.length}`]);
      expect(verified.corrupt).toEqual([]);
    } finally {
      await store.close();
      rmSync(source, { recursive: true, force: true });
    }
  });
});
