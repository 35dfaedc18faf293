import { ownEntry } from '../own-keys.js';
import type { RunStatus } from '../run-view.js';

/** A dataset version or a model version. */
export interface ProvEntity {
  id: string;
  kind: 'dataset' | 'model';
  name: string;
  version: number;
  digest: string | null;
  path: string | null;
  createdAt: string;
}

/** A run. */
export interface ProvActivity {
  id: string;
  runId: string;
  projectId: string;
  startedAt: string;
  endedAt: string | null;
  status: RunStatus;
  description: string | null;
}

/** The user who ran a run. */
export interface ProvAgent {
  id: string;
  user: string;
}

export interface UsedRelation {
  activity: string;
  entity: string;
}
export interface GenerationRelation {
  entity: string;
  activity: string;
}
export interface DerivationRelation {
  generatedEntity: string;
  usedEntity: string;
  /** The run that read the one and wrote the other. */
  activity: string;
}
export interface AssociationRelation {
  activity: string;
  agent: string;
}

/**
 * A W3C PROV graph. Node ids are PROV qualified names: `dataset:<name>@<version>`,
 * `model:<name>@<version>`, `run:<runId>`, `user:<user>`. Relations are keyed by
 * `relationKey` of their endpoints, so each is recorded once.
 */
export interface ProvenanceGraph {
  entities: Record<string, ProvEntity>;
  activities: Record<string, ProvActivity>;
  agents: Record<string, ProvAgent>;
  used: Record<string, UsedRelation>;
  wasGeneratedBy: Record<string, GenerationRelation>;
  wasDerivedFrom: Record<string, DerivationRelation>;
  wasAssociatedWith: Record<string, AssociationRelation>;
}

export const emptyProvenanceGraph = (): ProvenanceGraph => ({
  entities: {},
  activities: {},
  agents: {},
  used: {},
  wasGeneratedBy: {},
  wasDerivedFrom: {},
  wasAssociatedWith: {},
});

export const datasetVersionId = (name: string, version: number): string => `dataset:${name}@${version}`;
export const modelVersionId = (name: string, version: number): string => `model:${name}@${version}`;
export const runActivityId = (runId: string): string => `run:${runId}`;
export const userAgentId = (user: string): string => `user:${user}`;

/** The key of a relation between two nodes (unambiguous whatever characters the ids hold). */
export const relationKey = (from: string, to: string): string => JSON.stringify([from, to]);

/** A display label for a node: `raw@1`, the run id, the user name. */
export function nodeLabel(graph: ProvenanceGraph, id: string): string {
  const entity = ownEntry(graph.entities, id);
  // A provisional version yielding its number to a settled one is labelled by its id (D125).
  if (entity) return id.includes('@local-') ? id.slice(id.indexOf(':') + 1) : `${entity.name}@${entity.version}`;
  const activity = ownEntry(graph.activities, id);
  if (activity) return activity.description ? `${activity.runId}: ${activity.description}` : activity.runId;
  const agent = ownEntry(graph.agents, id);
  if (agent) return agent.user;
  return id.slice(id.indexOf(':') + 1);
}

export type ProvNodeKind = 'entity' | 'activity' | 'agent';

/** Which PROV class a node id belongs to, from its prefix. */
export function nodeKind(id: string): ProvNodeKind {
  if (id.startsWith('run:')) return 'activity';
  if (id.startsWith('user:')) return 'agent';
  return 'entity';
}

export type ProvRelation = 'used' | 'wasGeneratedBy' | 'wasDerivedFrom' | 'wasAssociatedWith';

/** A relation drawn as an edge, pointing as PROV's relations do: from the later thing to the earlier. */
export interface ProvEdge {
  from: string;
  to: string;
  relation: ProvRelation;
}

/** Every relation of the graph as an edge, grouped by relation, in a stable order. */
export function provEdges(graph: ProvenanceGraph): ProvEdge[] {
  const edges: ProvEdge[] = [];
  const add = <R>(records: Record<string, R>, relation: ProvRelation, ends: (r: R) => [string, string]): void => {
    for (const key of Object.keys(records).sort()) {
      const [from, to] = ends(records[key]!);
      edges.push({ from, to, relation });
    }
  };
  add(graph.used, 'used', (r) => [r.activity, r.entity]);
  add(graph.wasGeneratedBy, 'wasGeneratedBy', (r) => [r.entity, r.activity]);
  add(graph.wasDerivedFrom, 'wasDerivedFrom', (r) => [r.generatedEntity, r.usedEntity]);
  add(graph.wasAssociatedWith, 'wasAssociatedWith', (r) => [r.activity, r.agent]);
  return edges;
}
