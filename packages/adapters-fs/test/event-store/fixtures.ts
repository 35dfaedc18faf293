import { randomUUID } from 'node:crypto';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { NewEvent } from '@dotscience/core';
import { FsEventStore, INDEX_SNAPSHOT_FILE, type FsEventStoreOptions } from '../../src/event-store/index.js';

export function metricEvent(step: number, id: string = randomUUID()): NewEvent {
  return { id, type: 'MetricRecorded', schemaVersion: 1, data: { name: 'loss', value: 1 / (step + 1), step }, meta: {} };
}

export async function tempStoreDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'ds-event-store-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Damage one byte of a file in place (flip a bit), as a bad disk sector or a stray write would. */
/** Put in `dir` the index snapshot of another log of `count` single-event appends (streams offset by one from this file's usual). */
export async function plantSnapshotOfAnotherLog(dir: string, count: number): Promise<void> {
  const other = await tempStoreDir();
  try {
    const store = await FsEventStore.open(other.dir);
    for (let i = 0; i < count; i++) await store.append(`run-${(i + 1) % 4}`, [metricEvent(i)]);
    await store.close();
    await writeFile(join(dir, INDEX_SNAPSHOT_FILE), await readFile(join(other.dir, INDEX_SNAPSHOT_FILE)));
  } finally {
    await other.cleanup();
  }
}

export async function flipByteOf(path: string, offset: number): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    const b = Buffer.alloc(1);
    await fh.read(b, 0, 1, offset);
    b[0] = b[0]! ^ 0x20;
    await fh.write(b, 0, 1, offset);
  } finally {
    await fh.close();
  }
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

export const idsOf = (events: ReadonlyArray<{ id: string }>): string[] => events.map((e) => e.id);

/** The store a test works on (it may close it and open another on the same dir). */
export interface StoreUnderTest {
  dir: string;
  store: FsEventStore;
}

/** A fresh FsEventStore (opened with `options`) in its own temp dir for each test of the calling describe, closed and removed after the test. */
export function storePerTest(options: FsEventStoreOptions = {}): StoreUnderTest {
  const current = {} as StoreUnderTest;
  let cleanup: () => Promise<void> = async () => undefined;
  beforeEach(async () => {
    const temp = await tempStoreDir();
    cleanup = temp.cleanup;
    current.dir = temp.dir;
    current.store = await FsEventStore.open(temp.dir, options);
  });
  afterEach(async () => {
    await current.store.close();
    await cleanup();
  });
  return current;
}
