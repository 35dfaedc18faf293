import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { datasetsProjection, lineageOf, modelsProjection, provenanceProjection, resolveLineageNode } from '@dotscience/core';
import { InMemoryEventStore } from '@dotscience/core/testing';
import { SqliteRunReadModel } from '../src/index.js';
import { appendProvenance, projected, provenanceEvents } from './provenance-history.js';

const dir = mkdtempSync(join(tmpdir(), 'ds-projection-lists-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const fileName = (): string => join(dir, `lists-${files++}.sqlite`);

type Numbering = 'none' | 'local' | 'hub';

/** Version `version` of model `churn`, of content `content`, made by one of five runs. */
const modelVersion = (version: number, content: number, numbering: Numbering = 'none') =>
  provenanceEvents([{ kind: 'model', name: 1, version, content, producedBy: content % 5, numbering }])[0]!;

/** Version `version` of dataset `raw`, of content `content`, from outside. */
const datasetVersion = (version: number, content: number, numbering: Numbering = 'none') =>
  provenanceEvents([{ kind: 'dataset', name: 0, version, content, producedBy: null, numbering }])[0]!;

const started = (run: number) => provenanceEvents([{ kind: 'start', run, user: 'ada' }])[0]!;
const input = (run: number, content: number) => provenanceEvents([{ kind: 'input', run, name: 0, content }])[0]!;

/** The read model answers every dataset, model and lineage as the projections replayed over the whole log. */
async function expectProjectionsAnswers(store: InMemoryEventStore, runs: SqliteRunReadModel): Promise<void> {
  const model = runs.provenance;
  const { datasets } = await projected(store, datasetsProjection);
  const models = await projected(store, modelsProjection);
  const { graph } = await projected(store, provenanceProjection);
  expect(await model.datasets()).toEqual(Object.values(datasets));
  expect(await model.models()).toEqual(Object.values(models));
  for (const name of ['churn', 'raw']) expect(await model.lineageNode(name)).toBe(resolveLineageNode(graph, name));
  for (const node of [...Object.keys(graph.entities), ...Object.keys(graph.activities)]) {
    expect(JSON.stringify(await model.lineage(node, 'both')), node).toBe(JSON.stringify(lineageOf(graph, node, 'both')));
  }
}

describe('the long lists of the read model entries, kept as rows of their own (D171)', () => {
  it('given a model and a dataset of 200 versions each, when a few versions more are caught up, then only the new items are written and none of the older ones is read', async () => {
    const file = fileName();
    const store = new InMemoryEventStore();
    await appendProvenance(store, Array.from({ length: 200 }, (_, i) => [modelVersion(i + 1, 1000 + i), datasetVersion(i + 1, 5000 + i)]).flat());
    const first = SqliteRunReadModel.open({ file, events: store, batchRuns: 1 });
    await first.provenance.catchUp();
    await first.close();

    // Every stored item but the last of each list is made unreadable: a catch-up that read one would fail.
    const db = new Database(file);
    const kept = db.prepare('SELECT record, key, field, seq, value FROM projection_list_items WHERE seq < 199').all();
    // The model's versions and history, the dataset's versions, and the entity versions of each.
    expect(kept.length).toBe(5 * 199);
    db.prepare("UPDATE projection_list_items SET value = '{' WHERE seq < 199").run();
    db.close();

    await appendProvenance(store, [modelVersion(201, 1200), datasetVersion(201, 5200), modelVersion(202, 1201)]);
    const again = SqliteRunReadModel.open({ file, events: store, batchRuns: 1 });
    expect(await again.provenance.catchUp()).toMatchObject({ origin: 'resumed', read: 3 });
    await again.close();

    const restore = new Database(file);
    const put = restore.prepare('UPDATE projection_list_items SET value = $value WHERE record = $record AND key = $key AND field = $field AND seq = $seq');
    for (const row of kept) put.run(row);
    // The entry holds the lengths of its lists, not their items.
    const head = JSON.parse(restore.prepare("SELECT value FROM projection_entries WHERE record = 'models' AND key = 'churn'").pluck().get() as string);
    expect(head).toMatchObject({ name: 'churn', versions: 202, history: 202 });
    restore.close();

    const restored = SqliteRunReadModel.open({ file, events: store, batchRuns: 1 });
    await restored.provenance.catchUp();
    await expectProjectionsAnswers(store, restored);
    await restored.close();
  });

  it('given 100 locally numbered versions of a model and a dataset read back from the file, when the hub settles them under numbers in the opposite order, then the lists are sorted anew, in one batch, and every answer is the projections', async () => {
    const file = fileName();
    const store = new InMemoryEventStore();
    const local = 'local';
    await appendProvenance(store, [
      ...[0, 1, 2].map(started),
      ...Array.from({ length: 100 }, (_, i) => [modelVersion(i + 1, 1000 + i, local), datasetVersion(i + 1, 5000 + i, local)]).flat(),
      input(0, 5003),
      ...provenanceEvents([{ kind: 'alias', name: 1, alias: 'champion', version: 4 }]),
    ]);
    const first = SqliteRunReadModel.open({ file, events: store, batchRuns: 1 });
    await first.provenance.catchUp();
    await first.close();

    // Settled in the opposite order: version i + 1 takes number 100 - i, so each settlement moves views among the others.
    const hub = 'hub';
    await appendProvenance(store, [
      ...Array.from({ length: 100 }, (_, i) => [modelVersion(100 - i, 1000 + i, hub), datasetVersion(100 - i, 5000 + i, hub)]).flat(),
      input(1, 5003),
      input(2, 5050),
      ...provenanceEvents([{ kind: 'tag', name: 1, version: 7, value: 'a' }]),
      modelVersion(101, 1100, hub),
    ]);
    // In one batch: a view is looked up after others moved in its list since it was read.
    const runs = SqliteRunReadModel.open({ file, events: store });
    await runs.provenance.catchUp();
    await expectProjectionsAnswers(store, runs);
    await runs.close();
  });
});
