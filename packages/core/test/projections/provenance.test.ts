import { describe, expect, it } from 'vitest';
import {
  AmbiguousLineageNodeError,
  UnknownLineageNodeError,
  lineageOf,
  provenanceProjection,
  replay,
  resolveLineageNode,
  type ProvenanceGraph,
} from '../../src/index.js';
import { provEdges } from '../../src/projections/provenance/graph.js';
import { History, twoStagePipeline } from './history.js';

const graphOf = async (h: History): Promise<ProvenanceGraph> => (await replay(h.store, provenanceProjection)).state.graph;
const edges = (g: ProvenanceGraph) =>
  provEdges(g)
    .map((e) => `${e.from} -${e.relation}-> ${e.to}`)
    .sort();

describe('provenance projection', () => {
  it('given the two-stage pipeline, then entities, activities, agents and every relation are in the graph', async () => {
    const g = await graphOf(await twoStagePipeline());
    expect(Object.keys(g.entities).sort()).toEqual(['dataset:raw@1', 'dataset:test@1', 'dataset:train@1', 'model:churn@1']);
    expect(Object.keys(g.activities).sort()).toEqual(['run:prep', 'run:train']);
    expect(Object.keys(g.agents).sort()).toEqual(['user:ada', 'user:bob']);
    expect(g.activities['run:prep']).toMatchObject({ status: 'published', runId: 'prep', projectId: 'churn' });
    expect(edges(g)).toEqual(
      [
        'run:prep -used-> dataset:raw@1',
        'run:train -used-> dataset:train@1',
        'dataset:train@1 -wasGeneratedBy-> run:prep',
        'dataset:test@1 -wasGeneratedBy-> run:prep',
        'model:churn@1 -wasGeneratedBy-> run:train',
        'dataset:train@1 -wasDerivedFrom-> dataset:raw@1',
        'dataset:test@1 -wasDerivedFrom-> dataset:raw@1',
        'model:churn@1 -wasDerivedFrom-> dataset:train@1',
        'run:prep -wasAssociatedWith-> user:ada',
        'run:train -wasAssociatedWith-> user:bob',
      ].sort(),
    );
    expect(Object.values(g.wasDerivedFrom).find((d) => d.generatedEntity === 'model:churn@1')?.activity).toBe('run:train');
  });

  it('when a run generates before it declares what it used, then the derivation is still recorded', async () => {
    const h = new History();
    await h.start('r1');
    await h.datasetVersion('out', 1, 'o', 'r1');
    await h.input('r1', 'in', 'i');
    await h.datasetVersion('in', 1, 'i');
    expect(edges(await graphOf(h))).toContain('dataset:out@1 -wasDerivedFrom-> dataset:in@1');
  });

  it('when a run errors, then its activity is errored', async () => {
    const h = new History();
    await h.start('r1');
    await h.emit('run-r1', 'RunErrored', { message: 'boom' });
    await h.publishRun('r1');
    expect((await graphOf(h)).activities['run:r1']).toMatchObject({ status: 'errored' });
  });
});

describe('lineage', () => {
  it('upstream of the model: the train run, its data, the prep run, the raw data and their users — not the test split', async () => {
    const g = lineageOf(await graphOf(await twoStagePipeline()), 'model:churn@1', 'upstream');
    expect(Object.keys({ ...g.entities, ...g.activities, ...g.agents }).sort()).toEqual(
      ['dataset:raw@1', 'dataset:train@1', 'model:churn@1', 'run:prep', 'run:train', 'user:ada', 'user:bob'].sort(),
    );
    expect(edges(g)).not.toContain('dataset:test@1 -wasGeneratedBy-> run:prep');
    expect(edges(g)).toContain('model:churn@1 -wasDerivedFrom-> dataset:train@1');
  });

  it('downstream of the raw data: everything built from it', async () => {
    const g = lineageOf(await graphOf(await twoStagePipeline()), 'dataset:raw@1', 'downstream');
    expect(Object.keys(g.entities).sort()).toEqual(['dataset:raw@1', 'dataset:test@1', 'dataset:train@1', 'model:churn@1']);
    expect(edges(g)).toContain('run:train -used-> dataset:train@1');
  });

  it('both directions of a run: its inputs and its outputs, and not its siblings', async () => {
    const h = await twoStagePipeline();
    await h.start('eval');
    await h.input('eval', 'test', 'test rows');
    const g = lineageOf(await graphOf(h), 'run:train', 'both');
    expect(Object.keys(g.entities).sort()).toEqual(['dataset:raw@1', 'dataset:train@1', 'model:churn@1']);
    expect(g.activities['run:eval']).toBeUndefined();
  });

  it('resolves what a user types to a node id, or says what is wrong', async () => {
    const h = await twoStagePipeline();
    await h.start('retrain');
    await h.modelVersion('churn', 2, 'w2', 'retrain');
    await h.datasetVersion('churn', 1, 'a dataset named like the model');
    const g = await graphOf(h);
    expect(resolveLineageNode(g, 'model:churn@2')).toBe('model:churn@2');
    expect(resolveLineageNode(g, 'raw@1')).toBe('dataset:raw@1');
    expect(resolveLineageNode(g, 'retrain')).toBe('run:retrain');
    expect(resolveLineageNode(g, 'test')).toBe('dataset:test@1');
    expect(() => resolveLineageNode(g, 'churn@1')).toThrow(AmbiguousLineageNodeError);
    expect(() => resolveLineageNode(g, 'churn@1')).toThrow(/model:churn@1, dataset:churn@1/);
    expect(() => resolveLineageNode(g, 'nope@3')).toThrow(UnknownLineageNodeError);
    expect(() => lineageOf(g, 'model:nope@1')).toThrow(/no run, dataset version or model version "model:nope@1"/);
  });
});
