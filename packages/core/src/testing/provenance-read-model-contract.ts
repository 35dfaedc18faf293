import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EventType } from '../events/catalogue.js';
import type { EventStore } from '../ports/event-store.js';
import type { ProvenanceReadModel } from '../ports/provenance-read-model.js';
import { datasetsProjection } from '../projections/datasets.js';
import { modelsProjection } from '../projections/models.js';
import { AmbiguousLineageNodeError, lineageOf, UnknownLineageNodeError, type LineageDirection } from '../projections/provenance/lineage.js';
import { provenanceProjection } from '../projections/provenance/provenance-projection.js';
import {
  caughtUpModels,
  contractRunId as runId,
  projectedState as projected,
  versionRef as ref,
  type ContractEvent as Event,
} from './read-model-contract-history.js';

export interface ProvenanceReadModelFixture {
  model: ProvenanceReadModel;
  cleanup: () => Promise<void>;
}

const started = (run: number, user = 'ada', projectId = 'churn'): Event => ({
  stream: `run-${runId(run)}`,
  type: 'RunStarted',
  data: {
    runId: runId(run),
    projectId,
    mode: 'script',
    workload: { script: 'train.py' },
    codeVersion: {},
    environment: { runtime: 'node 20', os: 'linux', host: 'lab', user },
    startedAt: '2026-01-01T00:00:00.000Z',
  },
});
const input = (run: number, dataset: string, content: number): Event => ({
  stream: `run-${runId(run)}`,
  type: 'InputDeclared',
  data: { path: `data/${dataset}`, dataset, version: ref(content) },
});
const published = (run: number): Event => ({ stream: `run-${runId(run)}`, type: 'RunPublished', data: { endedAt: '2026-01-01T00:01:00.000Z', headHash: 'x' } });
const datasetVersion = (name: string, version: number, content: number, producedBy?: number, numbering?: object): Event => ({
  stream: `dataset-${name}`,
  type: 'DatasetVersionCreated',
  data: {
    name,
    version,
    ref: ref(content),
    bytes: 10,
    files: 1,
    ...(producedBy === undefined ? {} : { producedBy: runId(producedBy) }),
    ...(numbering === undefined ? {} : { numbering }),
  },
});
const modelVersion = (name: string, version: number, content: number, producedBy: number, numbering?: object): Event => ({
  stream: `model-${name}`,
  type: 'ModelVersionCreated',
  data: { name, version, ref: ref(content), producedBy: runId(producedBy), metrics: { accuracy: 0.9 }, ...(numbering === undefined ? {} : { numbering }) },
});
const registry = (type: EventType, data: Record<string, unknown>): Event => ({ stream: `model-${String(data.name)}`, type, data });

/** raw@1 (external) → run 1 → features@1 → run 2 → churn@1; run 3 reads features@1 too and writes churn@2 (a local claim the hub settles as 2). */
const pipeline: Event[] = [
  started(1),
  input(1, 'raw', 1), // declared before its version is recorded
  datasetVersion('raw', 1, 1),
  datasetVersion('features', 1, 2, 1),
  published(1),
  started(2, 'Bob', 'fraud'),
  input(2, 'features', 2),
  modelVersion('churn', 1, 3, 2),
  published(2),
  started(3),
  input(3, 'features', 2),
  modelVersion('churn', 2, 4, 3, { by: 'local' }),
  modelVersion('churn', 2, 4, 3, { by: 'hub', settles: randomUUID() }),
  registry('ModelAliasSet', { name: 'churn', alias: 'champion', version: 1 }),
  registry('ModelAliasSet', { name: 'churn', alias: 'challenger', version: 2 }),
  registry('ModelAliasRemoved', { name: 'churn', alias: 'challenger' }),
  registry('ModelVersionTagged', { name: 'churn', version: 1, key: 'stage', value: 'prod' }),
  registry('ModelDescribed', { name: 'churn', description: 'who leaves' }),
  registry('ModelDescribed', { name: 'churn', version: 2, description: 'deeper trees' }),
  // A dataset and a model named like an object's members, and a name both a dataset and a model have.
  datasetVersion('constructor', 1, 5, 3),
  datasetVersion('__proto__', 1, 6, 3),
  modelVersion('features', 1, 7, 3),
  published(3),
];

/**
 * The `ProvenanceReadModel` contract: after catching up, datasets, models and
 * lineage are the datasets, models and provenance projections' (and `lineageOf`'s)
 * answers over the same log, whether caught up at once or in steps.
 */
export function provenanceReadModelContract(name: string, open: (events: EventStore) => Promise<ProvenanceReadModelFixture>): void {
  describe(`ProvenanceReadModel contract: ${name}`, () => {
    const given = caughtUpModels(open);

    it('given an empty log, when caught up, then there are no datasets, no models and no lineage node', async () => {
      const { model } = await given([]);
      expect(await model.datasets()).toEqual([]);
      expect(await model.models()).toEqual([]);
      expect(await model.dataset('raw')).toBeUndefined();
      await expect(model.lineageNode('raw')).rejects.toBeInstanceOf(UnknownLineageNodeError);
    });

    it('given a pipeline, when caught up, then datasets are the datasets projection’s: producer, consumers (inputs declared before their version too)', async () => {
      const { model, store } = await given(pipeline);
      const expected = Object.values((await projected(store, datasetsProjection)).datasets);
      expect(await model.datasets()).toEqual(expected);
      expect((await model.datasets()).map((d) => d.name)).toEqual(['raw', 'features', 'constructor', '__proto__']);
      expect((await model.dataset('raw'))!.versions[0]!.consumedBy).toEqual([runId(1)]);
      expect((await model.dataset('features'))!.versions[0]).toMatchObject({ producedBy: runId(1), consumedBy: [runId(2), runId(3)] });
      expect(await model.dataset('__proto__')).toEqual(expected[3]);
      expect(await model.dataset('toString')).toBeUndefined();
    });

    it('given a settled local version, aliases, tags and descriptions, when caught up, then models are the models projection’s', async () => {
      const { model, store } = await given(pipeline);
      expect(await model.models()).toEqual(Object.values(await projected(store, modelsProjection)));
      const churn = (await model.model('churn'))!;
      expect(churn.versions.map((v) => [v.version, v.numbering])).toEqual([
        [1, 'recorded'],
        [2, 'hub'],
      ]);
      expect(churn.aliases).toEqual({ champion: 1 });
      expect(churn.versions[0]!.tags).toEqual({ stage: 'prod' });
      expect([churn.description, churn.versions[1]!.description]).toEqual(['who leaves', 'deeper trees']);
      expect(churn.history.map((h) => h.type)).toEqual([
        'ModelVersionCreated',
        'ModelVersionCreated',
        'ModelAliasSet',
        'ModelAliasSet',
        'ModelAliasRemoved',
        'ModelVersionTagged',
        'ModelDescribed',
        'ModelDescribed',
      ]);
      expect(await model.model('constructor')).toBeUndefined();
    });

    it('given a pipeline, when the lineage of a model, a dataset or a run is asked in each direction, then it is lineageOf’s over the whole graph', async () => {
      const { model, store } = await given(pipeline);
      const { graph } = await projected(store, provenanceProjection);
      const directions: LineageDirection[] = ['upstream', 'downstream', 'both'];
      for (const node of ['model:churn@1', 'model:churn@2', 'dataset:features@1', 'dataset:raw@1', `run:${runId(3)}`, 'user:Bob']) {
        for (const direction of directions) expect(await model.lineage(node, direction), `${node} ${direction}`).toEqual(lineageOf(graph, node, direction));
      }
      const upstream = await model.lineage('model:churn@1', 'upstream');
      expect(Object.keys(upstream.entities).sort()).toEqual(['dataset:features@1', 'dataset:raw@1', 'model:churn@1']);
      expect(Object.keys(upstream.agents).sort()).toEqual(['user:Bob', 'user:ada']);
      await expect(model.lineage('model:churn@9', 'both')).rejects.toBeInstanceOf(UnknownLineageNodeError);
    });

    it('given runs of two projects, when the runs of one are asked, then they are the runs its RunStarted named', async () => {
      const { model } = await given(pipeline);
      expect(await model.projectRunIds('churn')).toEqual([runId(1), runId(3)]);
      expect(await model.projectRunIds('fraud')).toEqual([runId(2)]);
      expect(await model.projectRunIds('none')).toEqual([]);
    });

    it('given names of models, datasets and runs, when resolved as lineage nodes, then they name what resolveLineageNode names', async () => {
      const { model } = await given(pipeline);
      expect(await model.lineageNode('churn')).toBe('model:churn@2');
      expect(await model.lineageNode('churn@1')).toBe('model:churn@1');
      expect(await model.lineageNode('raw')).toBe('dataset:raw@1');
      expect(await model.lineageNode(runId(2))).toBe(`run:${runId(2)}`);
      expect(await model.lineageNode('dataset:constructor@1')).toBe('dataset:constructor@1');
      await expect(model.lineageNode('features')).rejects.toBeInstanceOf(AmbiguousLineageNodeError);
      await expect(model.lineageNode('churn@7')).rejects.toBeInstanceOf(UnknownLineageNodeError);
    });

    it('given the log appended in steps, when caught up after each, then it answers as caught up once', async () => {
      const { model, store } = await given(pipeline, 5);
      expect(await model.datasets()).toEqual(Object.values((await projected(store, datasetsProjection)).datasets));
      expect(await model.models()).toEqual(Object.values(await projected(store, modelsProjection)));
      const { graph } = await projected(store, provenanceProjection);
      expect(await model.lineage('dataset:raw@1', 'downstream')).toEqual(lineageOf(graph, 'dataset:raw@1', 'downstream'));
      expect((await model.catchUp()).read).toBe(0);
    });
  });
}
