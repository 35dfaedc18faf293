import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { InMemoryEventStore } from '@dotscience/core/testing';
import { SqliteRunReadModel } from '../src/index.js';
import { PROJECTION_ENTRIES_TABLES, ProjectionEntries } from '../src/projection-entries.js';
import { appendProvenance, provenanceEvents } from './provenance-history.js';

const dir = mkdtempSync(join(tmpdir(), 'ds-nested-entries-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Awaiting = Record<string, Record<string, Record<string, number>>>;

/** A file of entries and a record `levels` deep in it, as a catch-up holds them; `reopen` gives a fresh reader of the same file. */
function nestedFile(levels: number) {
  const db = new Database(join(dir, `${randomUUID()}.sqlite`));
  db.exec(PROJECTION_ENTRIES_TABLES);
  const open = () => {
    const entries = new ProjectionEntries(db);
    return { entries, record: entries.nestedRecord<Record<string, Record<string, number>>>('awaiting', levels) as Awaiting };
  };
  const write = (entries: ProjectionEntries) => db.transaction(() => entries.write())();
  // Rows of a nested record whose entry is gone: what a removal left behind.
  const orphans = () =>
    db
      .prepare(
        `SELECT record, key FROM projection_entries c WHERE c.record LIKE '#%' AND NOT EXISTS (SELECT 1 FROM projection_entries p WHERE '#' || p.id = c.record)`,
      )
      .all();
  const count = () => (db.prepare('SELECT count(*) AS n FROM projection_entries').get() as { n: number }).n;
  return { db, open, write, orphans, count };
}

/** The record read whole from a fresh reader (what the next catch-up sees). */
function readBack(file: ReturnType<typeof nestedFile>): Awaiting {
  const { record } = file.open();
  return JSON.parse(JSON.stringify(record)) as Awaiting;
}

/** A run of the churn project whose input read content 7 of `raw`, which no version holds. */
const waitingRun = (run: number): Parameters<typeof provenanceEvents>[0] => [
  { kind: 'start', run, user: 'ada', project: 'churn' },
  { kind: 'input', run, name: 0, content: 7 },
];

describe('records nested in entries (D185)', () => {
  it('given runs waiting for a content no version holds, when more runs wait, then no row grows with them', async () => {
    // Given 300 runs whose input read content never recorded as a version, caught up 50 runs at a time.
    const store = new InMemoryEventStore();
    const model = SqliteRunReadModel.open({ file: join(dir, 'waiting.sqlite'), events: store, batchRuns: 50 });
    try {
      for (let i = 0; i < 300; i++) {
        await appendProvenance(store, provenanceEvents(waitingRun(i)));
        if (i % 100 === 99) await model.provenance.catchUp();
      }
      // When one more waits.
      await appendProvenance(store, provenanceEvents(waitingRun(300)));
      await model.provenance.catchUp();
    } finally {
      model.close();
    }
    // Then each waiting run is a row of its own: the longest value of the matching records is a position, not a list of runs.
    const db = new Database(join(dir, 'waiting.sqlite'), { readonly: true });
    // (Records nested in the matching records are named by their entry's row, `#<id>`.)
    const longest = db.prepare(`SELECT max(length(value)) AS n FROM projection_entries WHERE record LIKE '%.matching.%' OR record LIKE '#%'`).get() as {
      n: number;
    };
    const waiting = db
      .prepare(
        `SELECT count(*) AS n FROM projection_entries run
           JOIN projection_entries content ON run.record = '#' || content.id
           JOIN projection_entries name ON content.record = '#' || name.id
         WHERE name.record = 'datasets.matching.awaiting' AND name.key = 'raw'`,
      )
      .get() as { n: number };
    db.close();
    expect(longest.n).toBeLessThan(16);
    expect(waiting.n).toBe(301);
  });

  it('given nested entries written, when read by a fresh reader, then it holds what was set, by key at every level', () => {
    const file = nestedFile(2);
    const { entries, record } = file.open();
    record['raw'] = { a: { r1: 1, r2: 2 } };
    record['raw']['b'] = { r3: 3 };
    record['__proto__'] = { c: { constructor: 4 } };
    file.write(entries);
    expect(readBack(file)).toEqual({ raw: { a: { r1: 1, r2: 2 }, b: { r3: 3 } }, ['__proto__']: { c: { constructor: 4 } } });

    // Changed through the records read from rows: one key added deep down, one dropped.
    const again = file.open();
    again.record['raw']!['a']!['r9'] = 9;
    delete again.record['raw']!['a']!['r1'];
    file.write(again.entries);
    expect(readBack(file).raw).toEqual({ a: { r2: 2, r9: 9 }, b: { r3: 3 } });
  });

  it('given an entry with nested records, when it is deleted, then its rows go at every depth and a key that starts the same stays', () => {
    const file = nestedFile(2);
    const { entries, record } = file.open();
    for (const name of ['raw', 'raw2', 'raw,', 'raw"', 'r/aw]']) record[name] = { k: { run: 1 }, 'k"]': { run: 2 } };
    file.write(entries);

    const again = file.open();
    delete again.record['raw'];
    delete again.record['r/aw]'];
    file.write(again.entries);

    expect(readBack(file)).toEqual({
      raw2: { k: { run: 1 }, 'k"]': { run: 2 } },
      'raw,': { k: { run: 1 }, 'k"]': { run: 2 } },
      'raw"': { k: { run: 1 }, 'k"]': { run: 2 } },
    });
    // Nothing of the deleted entries is left behind: three entries, each of two contents of one run.
    expect(file.orphans()).toEqual([]);
    expect(file.count()).toBe(3 * (1 + 2 * 2));
  });

  it('given an entry read from rows, when it is replaced by a new object or deleted and set again, then it holds exactly the new value', () => {
    const file = nestedFile(2);
    const first = file.open();
    first.record['raw'] = { a: { r1: 1 }, b: { r2: 2 } };
    first.record['other'] = { c: { r3: 3 } };
    file.write(first.entries);

    const again = file.open();
    again.record['raw'] = { z: { r9: 9 } }; // replaced in place
    const other = again.record['other']!;
    delete again.record['other'];
    again.record['other'] = other; // the record read from rows, set again under its key
    file.write(again.entries);

    expect(readBack(file)).toEqual({ raw: { z: { r9: 9 } }, other: { c: { r3: 3 } } });
    expect(file.orphans()).toEqual([]);
    expect(file.count()).toBe(2 * 3);
  });

  it('given changes not written, when the catch-up starts again, then a fresh reader sees the rows as they were', () => {
    const file = nestedFile(1);
    const first = file.open();
    first.record['raw'] = { a: 1 } as never;
    file.write(first.entries);

    const again = file.open();
    (again.record['raw'] as unknown as Record<string, number>)['b'] = 2;
    again.entries.forget();
    expect(readBack(file)).toEqual({ raw: { a: 1 } });
    expect((again.record['raw'] as unknown as Record<string, number>)['b']).toBeUndefined();
  });
});
