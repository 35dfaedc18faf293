import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { InMemoryEventStore, provenanceReadModelContract } from '@dotscience/core/testing';
import { SqliteRunReadModel } from '../src/index.js';
import { LATEST_NAMED_SQL, reachable } from '../src/sqlite-provenance-read-model.js';
import { appendProvenance, LINEAGE_REFS, provenanceEvents, provenanceRunId } from './provenance-history.js';

const dir = mkdtempSync(join(tmpdir(), 'ds-provenance-read-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const fileName = (): string => join(dir, `model-${files++}.sqlite`);

provenanceReadModelContract('SqliteRunReadModel.provenance', async (events) => {
  const runs = SqliteRunReadModel.open({ file: fileName(), events, batchRuns: 1 });
  return { model: runs.provenance, cleanup: () => runs.close() };
});

/** raw@1 read by run 0, which writes churn@1 and churn@2; run 1 reads raw@1 and writes churn@3. */
const history = provenanceEvents([
  { kind: 'start', run: 0, user: 'ada' },
  { kind: 'dataset', name: 0, version: 1, content: 1, producedBy: null, numbering: 'none' },
  { kind: 'input', run: 0, name: 0, content: 1 },
  { kind: 'model', name: 1, version: 1, content: 2, producedBy: 0, numbering: 'none' },
  { kind: 'model', name: 1, version: 2, content: 3, producedBy: 0, numbering: 'local' },
  { kind: 'alias', name: 1, alias: 'champion', version: 2 },
  { kind: 'start', run: 1, user: 'Bob' },
  { kind: 'input', run: 1, name: 0, content: 1 },
  { kind: 'model', name: 1, version: 3, content: 4, producedBy: 1, numbering: 'local' },
]);

async function storeWith(count: number): Promise<InMemoryEventStore> {
  const store = new InMemoryEventStore();
  await appendProvenance(store, history.slice(0, count));
  return store;
}

describe('the provenance tables of the read model file', () => {
  it('given a read model caught up on a longer log, when the log is restored from an older backup, then models and lineage are rebuilt without what the backup lacks', async () => {
    const file = fileName();
    const longer = SqliteRunReadModel.open({ file, events: await storeWith(history.length) });
    await longer.provenance.catchUp();
    expect((await longer.provenance.model('churn'))!.versions).toHaveLength(3);
    await longer.close();

    const restored = SqliteRunReadModel.open({ file, events: await storeWith(5) });
    const report = await restored.provenance.catchUp();
    expect(report).toMatchObject({ origin: 'rebuilt', notice: expect.stringMatching(/past the end of the log/) });
    const churn = (await restored.provenance.model('churn'))!;
    expect(churn.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(churn.aliases).toEqual({});
    const downstream = await restored.provenance.lineage('dataset:raw@1', 'downstream');
    expect(Object.keys(downstream.activities)).toEqual(['run:01900000-7000-7000-8000-000000000000']);
    await restored.close();
  });

  it('given a read model file deleted, when a read opens it again, then it is rebuilt from the log and answers as before', async () => {
    const file = fileName();
    const store = await storeWith(history.length);
    const first = SqliteRunReadModel.open({ file, events: store });
    await first.provenance.catchUp();
    const before = { models: await first.provenance.models(), lineage: await first.provenance.lineage('model:churn@3', 'both') };
    await first.close();
    rmSync(file);
    rmSync(`${file}-wal`, { force: true });
    rmSync(`${file}-shm`, { force: true });

    const again = SqliteRunReadModel.open({ file, events: store });
    expect(await again.provenance.catchUp()).toMatchObject({ origin: 'rebuilt', read: history.length });
    expect({ models: await again.provenance.models(), lineage: await again.provenance.lineage('model:churn@3', 'both') }).toEqual(before);
    await again.close();
  });

  it('given a read model caught up, when events are appended, then only the tail is read and a lineage follows them', async () => {
    const file = fileName();
    const store = await storeWith(6);
    const model = SqliteRunReadModel.open({ file, events: store });
    await model.provenance.catchUp();
    await appendProvenance(store, history.slice(6));
    expect(await model.provenance.catchUp()).toMatchObject({ origin: 'resumed', read: history.length - 6 });
    const upstream = await model.provenance.lineage(await model.provenance.lineageNode('churn'), 'upstream');
    expect(Object.keys(upstream.entities).sort()).toEqual(['dataset:raw@1', 'model:churn@3']);
    await model.close();
  });
});

/** The two checkpoints the file holds, as `read_model` keys (read beside the model, as another process would). */
function checkpointsIn(file: string): Record<string, unknown> {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare("SELECT key, value FROM read_model WHERE key IN ('position', 'hash', 'entries.position', 'entries.hash')").all() as Array<{
      key: string;
      value: unknown;
    }>;
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  } finally {
    db.close();
  }
}

/** Every answer of the provenance read model over this history: datasets, models, nodes and lineages, errors included. */
async function answersOf(model: SqliteRunReadModel['provenance']): Promise<unknown> {
  const asked = async <T>(ask: () => Promise<T>): Promise<T | string> => ask().catch((error: Error) => `${error.constructor.name}: ${error.message}`);
  const lineages: Record<string, unknown> = {};
  for (const ref of LINEAGE_REFS) {
    const node = await asked(() => model.lineageNode(ref));
    lineages[ref] = { node, both: await asked(() => model.lineage(String(node), 'both')), up: await asked(() => model.lineage(String(node), 'upstream')) };
  }
  return { datasets: await model.datasets(), models: await model.models(), projectRuns: await model.projectRunIds('churn'), lineages };
}

async function positionOf(store: InMemoryEventStore, index: number): Promise<{ position: number; hash: string }> {
  let found: { position: number; hash: string } | undefined;
  for await (const e of store.readAll({ fromPosition: index, maxCount: 1 })) found = { position: e.position, hash: e.hash };
  return found!;
}

describe('the runs and the provenance entries of the file, each under its own checkpoint (D142)', () => {
  it('given both caught up, when events are appended and only the runs are caught up, then the entries checkpoint stays where it was', async () => {
    const file = fileName();
    const store = await storeWith(4);
    const model = SqliteRunReadModel.open({ file, events: store });
    await model.catchUp();
    await model.provenance.catchUp();
    const before = await positionOf(store, 3);
    await appendProvenance(store, history.slice(4));

    expect(await model.catchUp()).toMatchObject({ origin: 'resumed', read: history.length - 4, position: history.length - 1 });

    const last = await positionOf(store, history.length - 1);
    expect(checkpointsIn(file)).toEqual({ position: last.position, hash: last.hash, 'entries.position': before.position, 'entries.hash': before.hash });
    // The entries still answer as of their checkpoint: run 1's version of churn is not there yet.
    expect((await model.provenance.model('churn'))!.versions.map((v) => v.version)).toEqual([1]);
    await model.close();
  });

  it('given the runs caught up past the entries, when the entries are read, then they catch up from their own checkpoint and answer as a rebuild does', async () => {
    const file = fileName();
    const store = await storeWith(3);
    const model = SqliteRunReadModel.open({ file, events: store });
    await model.provenance.catchUp();
    await appendProvenance(store, history.slice(3));
    await model.catchUp();

    expect(await model.provenance.catchUp()).toMatchObject({ origin: 'resumed', read: history.length - 3, position: history.length - 1 });

    const last = await positionOf(store, history.length - 1);
    expect(checkpointsIn(file)).toMatchObject({ 'entries.position': last.position, 'entries.hash': last.hash });
    const rebuilt = SqliteRunReadModel.open({ file: fileName(), events: store });
    expect(await rebuilt.provenance.catchUp()).toMatchObject({ origin: 'rebuilt', read: history.length });
    expect(await answersOf(model.provenance)).toEqual(await answersOf(rebuilt.provenance));
    expect((await model.provenance.model('churn'))!.versions.map((v) => v.version)).toEqual([1, 2, 3]);
    await rebuilt.close();
    await model.close();
  });

  it("given the runs and the entries caught up at once (as concurrent hub routes ask), then each reaches the log's end and answers as a rebuild", async () => {
    const store = await storeWith(history.length);
    const model = SqliteRunReadModel.open({ file: fileName(), events: store, batchRuns: 1 });

    const [runs, entries] = await Promise.all([model.catchUp(), model.provenance.catchUp()]);

    expect([runs.position, entries.position]).toEqual([history.length - 1, history.length - 1]);
    const rebuilt = SqliteRunReadModel.open({ file: fileName(), events: store });
    await rebuilt.catchUp();
    await rebuilt.provenance.catchUp();
    expect(await answersOf(model.provenance)).toEqual(await answersOf(rebuilt.provenance));
    expect(await model.run(provenanceRunId(1))).toEqual(await rebuilt.run(provenanceRunId(1)));
    await rebuilt.close();
    await model.close();
  });

  it('given an entries checkpoint whose event differs from the log, when the entries are read, then they alone are discarded and rebuilt', async () => {
    const file = fileName();
    const store = await storeWith(history.length);
    const model = SqliteRunReadModel.open({ file, events: store });
    await model.catchUp();
    await model.provenance.catchUp();
    const marked = new Database(file);
    marked.prepare("UPDATE read_model SET value = 'sha256:not-the-event-there' WHERE key = 'entries.hash'").run();
    // A marker in an entry and in a run: the entry's goes with the rebuild, the run's stays.
    marked.prepare("UPDATE projection_entries SET value = json_set(value, '$.description', 'stale') WHERE record = 'models'").run();
    marked.prepare("UPDATE runs SET view = json_set(view, '$.description', 'kept')").run();
    marked.close();

    const report = await model.provenance.catchUp();

    expect(report).toMatchObject({ origin: 'rebuilt', read: history.length });
    expect(report.notice).toMatch(/^the datasets, models and lineage of the read model \S+ \(position \d+\) was taken on another log/);
    expect((await model.provenance.model('churn'))!.description).toBeNull();
    const rebuilt = SqliteRunReadModel.open({ file: fileName(), events: store });
    await rebuilt.provenance.catchUp();
    expect(await answersOf(model.provenance)).toEqual(await answersOf(rebuilt.provenance));
    await rebuilt.close();
    expect(await model.catchUp()).toMatchObject({ origin: 'resumed', read: 0 });
    expect((await model.run(provenanceRunId(0)))!.description).toBe('kept');
    await model.close();
  });
});

describe("a run's project across catch-ups (D122)", () => {
  it("given a run of project churn caught up alone, when a later catch-up records churn's dataset raw and the run's input of it, then the run consumes churn's raw, as a rebuild says", async () => {
    const events = provenanceEvents([
      { kind: 'start', run: 0, user: 'ada', project: 'churn' },
      { kind: 'dataset', name: 0, version: 1, content: 1, producedBy: null, numbering: 'none', project: 'churn' },
      { kind: 'input', run: 0, name: 0, content: 1 },
    ]);
    const store = new InMemoryEventStore();
    const file = fileName();
    await appendProvenance(store, events.slice(0, 1));
    const first = SqliteRunReadModel.open({ file, events: store });
    await first.provenance.catchUp();
    await first.close();

    await appendProvenance(store, events.slice(1));
    const later = SqliteRunReadModel.open({ file, events: store });
    await later.provenance.catchUp();
    expect((await later.provenance.dataset('churn:raw'))!.versions[0]!.consumedBy).toEqual([provenanceRunId(0)]);
    await later.close();

    const rebuilt = SqliteRunReadModel.open({ file: fileName(), events: store });
    await rebuilt.provenance.catchUp();
    expect((await rebuilt.provenance.dataset('churn:raw'))!.versions[0]!.consumedBy).toEqual([provenanceRunId(0)]);
    await rebuilt.close();
  });
});

describe('a bare name resolved through the entity indexes', () => {
  it('given a file with models and datasets, when a bare name is resolved, then SQLite searches the entity indexes and scans no entries', async () => {
    const file = fileName();
    const model = SqliteRunReadModel.open({ file, events: await storeWith(history.length) });
    await model.provenance.catchUp();
    expect(await model.provenance.lineageNode('churn')).toBe('model:churn@3');
    await model.close();

    const db = new Database(file, { readonly: true });
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${LATEST_NAMED_SQL}`).all({ name: 'churn' }) as Array<{ detail: string }>).map((row) => row.detail);
    db.close();
    // Which index SQLite picks for a step depends on the table's size; every step must search by an index, none may scan.
    const steps = plan.filter((step) => /projection_entries/.test(step));
    expect(steps).toHaveLength(5);
    for (const step of steps)
      expect(step).toMatch(/^SEARCH projection_entries USING (INDEX projection_entries_entity_(nodes|versions) \(a=\?|INTEGER PRIMARY KEY)/);
    expect(steps.join('\n')).toContain('USING INDEX projection_entries_entity_versions (a=? AND <expr>=?)');
  });
});

describe('a lineage walked through the relations index', () => {
  it('given a file with a lineage, when the lineage is walked either way, then each node reached is looked up by its end in the relations index', async () => {
    const file = fileName();
    const model = SqliteRunReadModel.open({ file, events: await storeWith(history.length) });
    await model.provenance.catchUp();
    await model.close();

    const db = new Database(file, { readonly: true });
    for (const [from, to] of [
      ['a', 'b'],
      ['b', 'a'],
    ] as const) {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${reachable(from, to)}`).all('model:churn@3') as Array<{ detail: string }>).map((row) => row.detail);
      expect(plan.filter((step) => /^(SCAN|SEARCH) (reached|e)\b/.test(step))).toEqual([
        'SCAN reached',
        `SEARCH e USING INDEX projection_entries_by_${from} (record=? AND ${from}=?)`,
        'SCAN reached',
      ]);
    }
    db.close();
  });
});
