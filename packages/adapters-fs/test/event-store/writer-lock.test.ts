import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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
      expect((await readFile(join(dir, LOCK_FILE), 'utf8')).split(' ')[0]).toBe(String(process.pid));
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
      expect((await readFile(join(dir, LOCK_FILE), 'utf8')).split(' ')[0]).toBe(String(process.pid));
      await store.close();
    }
  });

  describe('a lock that outlived its process (crash or power cut before the removal was durable)', () => {
    const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const startTimeOf = (pid: number): string => {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
    };
    let sleeper: ChildProcess;
    beforeEach(() => {
      sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    });
    afterEach(() => {
      sleeper.kill('SIGKILL');
    });

    it.runIf(existsSync('/proc/sys/kernel/random/boot_id'))('given a lock naming a live process with its start time, then the writer is refused', async () => {
      await writeFile(join(dir, LOCK_FILE), `${sleeper.pid} ${bootId} ${startTimeOf(sleeper.pid!)}\n`);
      await expect(FsEventStore.open(dir)).rejects.toMatchObject({ code: 'WRITER_LOCKED', pid: sleeper.pid });
    });

    it.runIf(existsSync('/proc/sys/kernel/random/boot_id'))(
      'given a lock whose pid now names another process (other start time) or was taken before the last boot, then it is stale and taken over',
      async () => {
        for (const content of [`${sleeper.pid} ${bootId} 1\n`, `${sleeper.pid} 00000000-0000-0000-0000-000000000000 ${startTimeOf(sleeper.pid!)}\n`]) {
          await writeFile(join(dir, LOCK_FILE), content);
          const store = await FsEventStore.open(dir);
          expect((await readFile(join(dir, LOCK_FILE), 'utf8')).split(' ')[0]).toBe(String(process.pid));
          await store.close();
        }
      },
    );

    it('given a lock naming this very pid that this process does not hold (an earlier process had the pid), then it is taken over; one this process holds still refuses a second writer', async () => {
      await writeFile(join(dir, LOCK_FILE), `${process.pid}\n`);
      const store = await FsEventStore.open(dir);
      await expect(FsEventStore.open(dir)).rejects.toMatchObject({ code: 'WRITER_LOCKED', pid: process.pid });
      await store.close();
      expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    });
  });

  it('given read-only stores, then they take no lock and open beside a writer', async () => {
    const writer = await FsEventStore.open(dir);
    const readers = await Promise.all([0, 1].map(() => FsEventStore.open(dir, { readOnly: true })));
    expect(readers.map((r) => r.readOnly)).toEqual([true, true]);
    await Promise.all(readers.map((r) => r.close()));
    await writer.close();
  });
});
