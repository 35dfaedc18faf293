/**
 * Durable appends, ours (FsEventStore) vs SQLite (better-sqlite3, WAL,
 * synchronous=FULL) inserting the same records: single (one record per commit,
 * sequential) and batched (1,000 records per commit). The records are made before
 * timing, so both sides are timed on storing alone.
 * `node bench/durable-appends-run.mjs <repo root>`; SQLite is skipped with the reason
 * when better-sqlite3 (an optional dependency, built from source) is not installed.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent } from '@dotscience/core';
import { FsEventStore } from '../packages/adapters-fs/src/event-store/index.js';
import { machineLine, measure, skipped, timed, type Timed } from '../packages/core/bench/measurement.js';

const BENCH = 'durable appends: ours vs SQLite';
const BATCH = 1000;
const RUN_MS = 1000;
const repoRoot = process.argv[2] ?? process.cwd();

/** The subset of better-sqlite3's API used here (it ships no types and none are installed). */
interface Sqlite {
  pragma(source: string): unknown;
  exec(source: string): void;
  prepare(source: string): { run(...values: unknown[]): unknown };
  transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
  close(): void;
}

const records: NewEvent[] = Array.from({ length: 200_000 }, (_, step) => ({
  id: randomUUID(),
  type: 'MetricRecorded',
  schemaVersion: 1,
  data: { name: 'loss', value: Math.sin(step), step, at: '2026-01-31T12:00:00.000Z' },
  meta: { correlationId: 'bench', actor: { user: 'bench', host: 'localhost' }, sdkVersion: '0.1.0' },
}));
let next = 0;
const record = (): NewEvent => records[next++ % records.length]!;
const fresh = (e: NewEvent): NewEvent => ({ ...e, id: randomUUID() });

async function forAbout(ms: number, step: () => Promise<number> | number): Promise<Timed> {
  return timed(async () => {
    let n = 0;
    const until = performance.now() + ms;
    while (performance.now() < until) n += await step();
    return n;
  });
}

function openSqlite(path: string): Sqlite | string {
  try {
    const Database = createRequire(join(repoRoot, 'package.json'))('better-sqlite3') as new (file: string) => Sqlite;
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE events (position INTEGER PRIMARY KEY, stream TEXT NOT NULL, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, body TEXT NOT NULL)');
    return db;
  } catch (error) {
    return `better-sqlite3 is not usable here (${(error as Error).message.split('\n')[0]}); run pnpm install with a C++ toolchain to build it`;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'ds-appends-bench-'));
try {
  console.log(machineLine());
  const store = await FsEventStore.open(join(dir, 'events'));
  await measure(
    BENCH,
    'ours: single durable appends (FsEventStore)',
    'events/s',
    () => forAbout(RUN_MS, async () => (await store.append('run-single', [fresh(record())]), 1)),
    {
      key: 'appends.single.ours',
    },
  );
  await measure(
    BENCH,
    `ours: batched durable appends (${BATCH} per append)`,
    'events/s',
    () =>
      forAbout(
        RUN_MS,
        async () => (
          await store.append(
            `run-b${next % 10}`,
            Array.from({ length: BATCH }, () => fresh(record())),
          ),
          BATCH
        ),
      ),
    { key: 'appends.batched.ours' },
  );
  await store.close();

  const db = openSqlite(join(dir, 'events.sqlite'));
  if (typeof db === 'string') {
    skipped(BENCH, 'appends.single.sqlite', 'SQLite WAL, synchronous=FULL: single inserts', db);
    skipped(BENCH, 'appends.batched.sqlite', `SQLite WAL, synchronous=FULL: ${BATCH} inserts per transaction`, db);
  } else {
    const insert = db.prepare('INSERT INTO events (stream, id, type, body) VALUES (?, ?, ?, ?)');
    const put = (stream: string, e: NewEvent) => insert.run(stream, e.id, e.type, JSON.stringify(e));
    const many = db.transaction((stream: string, events: NewEvent[]) => {
      for (const e of events) put(stream, e);
    });
    await measure(
      BENCH,
      'SQLite WAL, synchronous=FULL: single inserts (autocommit)',
      'events/s',
      () => forAbout(RUN_MS, () => (put('run-single', fresh(record())), 1)),
      {
        key: 'appends.single.sqlite',
      },
    );
    await measure(
      BENCH,
      `SQLite WAL, synchronous=FULL: ${BATCH} inserts per transaction`,
      'events/s',
      () =>
        forAbout(
          RUN_MS,
          () => (
            many(
              `run-b${next % 10}`,
              Array.from({ length: BATCH }, () => fresh(record())),
            ),
            BATCH
          ),
        ),
      { key: 'appends.batched.sqlite' },
    );
    db.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
