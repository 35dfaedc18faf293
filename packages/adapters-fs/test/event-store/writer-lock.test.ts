import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsEventStore, LOCK_FILE, WriterLockedError } from '../../src/event-store/index.js';
import { metricEvent, tempStoreDir } from './fixtures.js';

describe('FsEventStore writer lock', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempStoreDir());
  });
  afterEach(() => cleanup());

  it('given a live writer, when a second writer opens, then WriterLockedError names the pid and the lock file', async () => {
    const first = await FsEventStore.open(dir);
    try {
      expect((await readFile(join(dir, LOCK_FILE), 'utf8')).trim()).toBe(String(process.pid));
      const error = await FsEventStore.open(dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WriterLockedError);
      expect(error).toMatchObject({ code: 'WRITER_LOCKED', pid: process.pid, lockPath: join(dir, LOCK_FILE) });
      expect((error as Error).message).toContain(`process ${process.pid} (lock file ${join(dir, LOCK_FILE)})`);
    } finally {
      await first.close();
    }
  });

  it('given a live writer, when a second writer opens with wait, then it gets the lock once the first closes', async () => {
    const first = await FsEventStore.open(dir);
    await first.append('run-a', [metricEvent(0)]);
    const second = FsEventStore.open(dir, { lock: { wait: true, retryMs: 5 } });
    setTimeout(() => void first.close(), 50);
    const store = await second;
    expect(store.eventCount).toBe(1);
    await store.append('run-a', [metricEvent(1)], { expectedRevision: 0 });
    await store.close();
  });

  it('given a wait that times out, then WriterLockedError', async () => {
    const first = await FsEventStore.open(dir);
    try {
      await expect(FsEventStore.open(dir, { lock: { wait: true, timeoutMs: 60, retryMs: 10 } })).rejects.toBeInstanceOf(WriterLockedError);
    } finally {
      await first.close();
    }
  });

  it('given a lock left by a dead process (or an empty one), when a writer opens, then it takes the lock over', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    for (const content of [`${dead.stdout}\n`, '']) {
      await writeFile(join(dir, LOCK_FILE), content);
      const store = await FsEventStore.open(dir);
      expect((await readFile(join(dir, LOCK_FILE), 'utf8')).trim()).toBe(String(process.pid));
      await store.close();
    }
  });

  it('given read-only stores, then they take no lock and open beside a writer', async () => {
    const writer = await FsEventStore.open(dir);
    const readers = await Promise.all([0, 1].map(() => FsEventStore.open(dir, { readOnly: true })));
    expect(readers.map((r) => r.readOnly)).toEqual([true, true]);
    await Promise.all(readers.map((r) => r.close()));
    await writer.close();
  });
});
