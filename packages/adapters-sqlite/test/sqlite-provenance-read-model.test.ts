import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InMemoryEventStore, provenanceReadModelContract } from '@dotscience/core/testing';
import { SqliteRunReadModel } from '../src/index.js';
import { appendProvenance, provenanceEvents } from './provenance-history.js';

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
