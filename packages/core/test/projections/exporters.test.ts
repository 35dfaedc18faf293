import { describe, expect, it } from 'vitest';
import { provQualifiedName } from '../../src/projections/provenance/prov-json.js';
import { provenanceProjection, replay, toDot, toMermaid, toProvJson, type ProvenanceGraph } from '../../src/index.js';
import { History, twoStagePipeline } from './history.js';

const pipelineGraph = async (): Promise<ProvenanceGraph> => (await replay((await twoStagePipeline()).store, provenanceProjection)).state.graph;

/** The pipeline's relations as [from, relation, to], PROV's direction. */
const expectedEdges = [
  ['run:prep', 'used', 'dataset:raw@1'],
  ['run:train', 'used', 'dataset:train@1'],
  ['dataset:test@1', 'wasGeneratedBy', 'run:prep'],
  ['dataset:train@1', 'wasGeneratedBy', 'run:prep'],
  ['model:churn@1', 'wasGeneratedBy', 'run:train'],
  ['dataset:test@1', 'wasDerivedFrom', 'dataset:raw@1'],
  ['dataset:train@1', 'wasDerivedFrom', 'dataset:raw@1'],
  ['model:churn@1', 'wasDerivedFrom', 'dataset:train@1'],
  ['run:prep', 'wasAssociatedWith', 'user:ada'],
  ['run:train', 'wasAssociatedWith', 'user:bob'],
]
  .map((e) => e.join(' '))
  .sort();

describe('PROV-JSON export', () => {
  it('given the two-stage pipeline, then the document has the W3C sections and every relation', async () => {
    const doc = toProvJson(await pipelineGraph());
    expect(Object.keys(doc)).toEqual(['prefix', 'entity', 'activity', 'agent', 'used', 'wasGeneratedBy', 'wasDerivedFrom', 'wasAssociatedWith']);
    expect(doc.prefix).toMatchObject({ dataset: expect.any(String), model: expect.any(String), run: expect.any(String), user: expect.any(String) });
    expect(doc.entity['model:churn@1']).toMatchObject({
      'prov:type': { $: 'ds:ModelVersion', type: 'prov:QUALIFIED_NAME' },
      'ds:name': 'churn',
      'ds:version': 1,
    });
    expect(doc.activity['run:prep']).toMatchObject({
      'prov:startTime': expect.stringMatching(/Z$/),
      'prov:endTime': expect.stringMatching(/Z$/),
      'ds:status': 'published',
    });
    expect(doc.agent['user:ada']).toEqual({ 'prov:type': { $: 'prov:Person', type: 'prov:QUALIFIED_NAME' }, 'prov:label': 'ada' });
    const relations = [
      ...Object.values(doc.used).map((r) => `${r['prov:activity']} used ${r['prov:entity']}`),
      ...Object.values(doc.wasGeneratedBy).map((r) => `${r['prov:entity']} wasGeneratedBy ${r['prov:activity']}`),
      ...Object.values(doc.wasDerivedFrom).map((r) => `${r['prov:generatedEntity']} wasDerivedFrom ${r['prov:usedEntity']}`),
      ...Object.values(doc.wasAssociatedWith).map((r) => `${r['prov:activity']} wasAssociatedWith ${r['prov:agent']}`),
    ].sort();
    expect(relations).toEqual(expectedEdges);
    expect(Object.keys(doc.used).every((id) => id.startsWith('_:'))).toBe(true);
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it('percent-encodes characters a PROV local name cannot hold', () => {
    expect(provQualifiedName('dataset:raw data@1')).toBe('dataset:raw%20data@1');
    expect(provQualifiedName('model:churn@2')).toBe('model:churn@2');
  });
});

describe('Graphviz DOT export', () => {
  it('given the two-stage pipeline, then every node is declared with its PROV shape and every relation is an edge', async () => {
    const dot = toDot(await pipelineGraph());
    expect(dot.startsWith('digraph "provenance" {\n')).toBe(true);
    expect(dot.trimEnd().endsWith('}')).toBe(true);
    expect(dot).toContain('"dataset:raw@1" [label="raw@1", shape=ellipse');
    expect(dot).toContain('"run:prep" [label="prep", shape=box');
    expect(dot).toContain('"user:bob" [label="bob", shape=house');
    const edges = [...dot.matchAll(/^ {2}"([^"]+)" -> "([^"]+)" \[label="(\w+)"/gm)].map(([, from, to, rel]) => `${from} ${rel} ${to}`).sort();
    expect(edges).toEqual(expectedEdges);
  });

  it('escapes quotes in labels', async () => {
    const h = new History();
    await h.start('r1');
    await h.emit('run-r1', 'RunDescribed', { description: 'the "big" one' });
    const dot = toDot((await replay(h.store, provenanceProjection)).state.graph);
    expect(dot).toContain('[label="r1: the \\"big\\" one"');
  });
});

describe('Mermaid export', () => {
  it('given the two-stage pipeline, then it is a flowchart with every node and every relation as a labelled edge', async () => {
    const mermaid = toMermaid(await pipelineGraph());
    expect(mermaid.split('\n')[0]).toBe('flowchart BT');
    const ids = new Map([...mermaid.matchAll(/^ {2}%% (n\d+) = (.+)$/gm)].map(([, short, id]) => [short!, id!]));
    expect([...ids.values()].sort()).toEqual([
      'dataset:raw@1',
      'dataset:test@1',
      'dataset:train@1',
      'model:churn@1',
      'run:prep',
      'run:train',
      'user:ada',
      'user:bob',
    ]);
    const shortOf = (id: string) => [...ids].find(([, v]) => v === id)![0];
    expect(mermaid).toContain(`${shortOf('model:churn@1')}(["churn@1"])`);
    expect(mermaid).toContain(`${shortOf('run:train')}["train"]`);
    expect(mermaid).toContain(`${shortOf('user:ada')}[/"ada"\\]`);
    const edges = [...mermaid.matchAll(/^ {2}(n\d+) -\.?->\|(\w+)\| (n\d+)$/gm)].map(([, from, rel, to]) => `${ids.get(from!)} ${rel} ${ids.get(to!)}`).sort();
    expect(edges).toEqual(expectedEdges);
  });
});
