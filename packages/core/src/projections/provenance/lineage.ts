import { DotscienceError } from '../../errors/store-errors.js';
import { ownEntry, putEntry } from '../own-keys.js';
import { emptyProvenanceGraph, provEdges, type ProvenanceGraph } from './graph.js';

export type LineageDirection = 'upstream' | 'downstream' | 'both';

export class UnknownLineageNodeError extends DotscienceError {
  readonly code = 'UNKNOWN_LINEAGE_NODE';
  constructor(readonly ref: string) {
    super(
      `no run, dataset version or model version "${ref}" in the provenance graph — name it as <model or dataset>@<version>, <name> (latest version), a run id, or a full id such as model:churn@2`,
    );
  }
}

export class AmbiguousLineageNodeError extends DotscienceError {
  readonly code = 'AMBIGUOUS_LINEAGE_NODE';
  constructor(
    readonly ref: string,
    readonly candidates: string[],
  ) {
    super(`"${ref}" names more than one node (${candidates.join(', ')}) — use the full id`);
  }
}

function has(graph: ProvenanceGraph, id: string): boolean {
  return Object.hasOwn(graph.entities, id) || Object.hasOwn(graph.activities, id) || Object.hasOwn(graph.agents, id);
}

/**
 * The node id a user means: a full id (`model:churn@2`, `run:<id>`), a
 * `name@version` of a model or dataset, a bare name (its latest version), or a
 * run id. Throws when nothing or more than one thing matches.
 */
export function resolveLineageNode(graph: ProvenanceGraph, ref: string): string {
  if (has(graph, ref)) return ref;
  const exact = [`model:${ref}`, `dataset:${ref}`, `run:${ref}`].filter((id) => has(graph, id));
  // The latest version of each dataset or model of that name: one per kind, and per project (its id's `<kind>:<key>`, D122).
  const latest = new Map<string, { id: string; version: number }>();
  for (const entity of Object.values(graph.entities)) {
    if (entity.name !== ref) continue;
    const of = entity.id.slice(0, entity.id.lastIndexOf('@'));
    const best = latest.get(of);
    if (!best || entity.version > best.version) latest.set(of, { id: entity.id, version: entity.version });
  }
  const candidates = exact.length > 0 ? exact : [...latest.values()].map((c) => c.id);
  if (candidates.length === 0) throw new UnknownLineageNodeError(ref);
  if (candidates.length > 1) throw new AmbiguousLineageNodeError(ref, candidates);
  return candidates[0]!;
}

type Adjacency = Map<string, string[]>;

function link(adjacency: Adjacency, from: string, to: string): void {
  const list = adjacency.get(from);
  if (list) list.push(to);
  else adjacency.set(from, [to]);
}

function reach(start: string, adjacency: Adjacency, into: Set<string>): void {
  const stack = [start];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (into.has(id)) continue;
    into.add(id);
    for (const next of adjacency.get(id) ?? []) if (!into.has(next)) stack.push(next);
  }
}

/**
 * The part of the graph a node depends on (`upstream`: the runs that produced
 * it, what they used, recursively), depends on it (`downstream`: the runs that
 * used it, what they produced, recursively), or both; with the users of the
 * runs included and every relation among the nodes kept. The result is a graph
 * in its own right, so every exporter renders it.
 */
export function lineageOf(graph: ProvenanceGraph, nodeId: string, direction: LineageDirection = 'upstream'): ProvenanceGraph {
  if (!has(graph, nodeId)) throw new UnknownLineageNodeError(nodeId);
  const upstream: Adjacency = new Map();
  const downstream: Adjacency = new Map();
  for (const { from, to, relation } of provEdges(graph)) {
    if (relation !== 'used' && relation !== 'wasGeneratedBy') continue;
    link(upstream, from, to);
    link(downstream, to, from);
  }
  const nodes = new Set<string>();
  if (direction !== 'downstream') reach(nodeId, upstream, nodes);
  if (direction !== 'upstream') {
    nodes.delete(nodeId);
    reach(nodeId, downstream, nodes);
  }
  for (const r of Object.values(graph.wasAssociatedWith)) if (nodes.has(r.activity)) nodes.add(r.agent);

  const sub = emptyProvenanceGraph();
  for (const id of nodes) {
    const entity = ownEntry(graph.entities, id);
    if (entity) putEntry(sub.entities, id, entity);
    const activity = ownEntry(graph.activities, id);
    if (activity) putEntry(sub.activities, id, activity);
    const agent = ownEntry(graph.agents, id);
    if (agent) putEntry(sub.agents, id, agent);
  }
  const keep = <R>(from: Record<string, R>, to: Record<string, R>, ends: (r: R) => [string, string]): void => {
    for (const [key, r] of Object.entries(from)) {
      const [a, b] = ends(r);
      if (nodes.has(a) && nodes.has(b)) putEntry(to, key, r);
    }
  };
  keep(graph.used, sub.used, (r) => [r.activity, r.entity]);
  keep(graph.wasGeneratedBy, sub.wasGeneratedBy, (r) => [r.entity, r.activity]);
  keep(graph.wasDerivedFrom, sub.wasDerivedFrom, (r) => [r.generatedEntity, r.usedEntity]);
  keep(graph.wasAssociatedWith, sub.wasAssociatedWith, (r) => [r.activity, r.agent]);
  return sub;
}
