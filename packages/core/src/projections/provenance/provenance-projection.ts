import type { VersionRef } from '../../events/catalogue.js';
import { categoryOf, idOf } from '../../events/streams.js';
import { ownEntry, putEntry } from '../own-keys.js';
import { defineProjection, type ProjectedEvent } from '../projection.js';
import { emptyVersionMatching, recordVersion, resolveInput, type VersionMatching } from '../version-matching.js';
import {
  datasetVersionId,
  emptyProvenanceGraph,
  modelVersionId,
  relationKey,
  runActivityId,
  userAgentId,
  type ProvEntity,
  type ProvenanceGraph,
} from './graph.js';

export interface ProvenanceState {
  graph: ProvenanceGraph;
  /** Inputs declared before the dataset version they read was recorded. */
  matching: VersionMatching;
  /** Activity id → entities it used / generated (to derive wasDerivedFrom whichever comes first). */
  usedBy: Record<string, string[]>;
  generatedBy: Record<string, string[]>;
}

function pushOnce(index: Record<string, string[]>, key: string, value: string): void {
  const list = ownEntry(index, key) ?? putEntry(index, key, []);
  if (!list.includes(value)) list.push(value);
}

function derive(graph: ProvenanceGraph, generatedEntity: string, usedEntity: string, activity: string): void {
  if (generatedEntity === usedEntity) return;
  putEntry(graph.wasDerivedFrom, relationKey(generatedEntity, usedEntity), { generatedEntity, usedEntity, activity });
}

function use(state: ProvenanceState, activity: string, entity: string): void {
  putEntry(state.graph.used, relationKey(activity, entity), { activity, entity });
  pushOnce(state.usedBy, activity, entity);
  for (const generated of ownEntry(state.generatedBy, activity) ?? []) derive(state.graph, generated, entity, activity);
}

function addEntity(
  state: ProvenanceState,
  e: ProjectedEvent,
  entity: Omit<ProvEntity, 'createdAt' | 'digest'> & { ref: VersionRef },
  producedBy: string | undefined,
): void {
  const { ref, ...rest } = entity;
  if (!ownEntry(state.graph.entities, entity.id)) {
    putEntry(state.graph.entities, entity.id, { ...rest, digest: ref.digest ?? null, createdAt: e.recordedAt });
  }
  if (producedBy === undefined) return;
  const activity = runActivityId(producedBy);
  putEntry(state.graph.wasGeneratedBy, relationKey(entity.id, activity), { entity: entity.id, activity });
  pushOnce(state.generatedBy, activity, entity.id);
  for (const used of ownEntry(state.usedBy, activity) ?? []) derive(state.graph, entity.id, used, activity);
}

function onActivity(state: ProvenanceState, e: ProjectedEvent, change: (activity: ProvenanceGraph['activities'][string]) => void): ProvenanceState {
  if (categoryOf(e.stream) !== 'run') return state;
  const activity = ownEntry(state.graph.activities, runActivityId(idOf(e.stream)));
  if (activity) change(activity);
  return state;
}

/**
 * Built-in `provenance`: the W3C PROV graph of everything recorded — entities
 * (dataset and model versions), activities (runs), agents (users) and the
 * relations used, wasGeneratedBy, wasDerivedFrom (every entity a run generated
 * derives from every entity it used) and wasAssociatedWith.
 */
export const provenanceProjection = defineProjection<ProvenanceState>({
  name: 'provenance',
  version: 1,
  initial: { graph: emptyProvenanceGraph(), matching: emptyVersionMatching(), usedBy: {}, generatedBy: {} },
  handlers: {
    RunStarted: (state, e) => {
      const d = e.data;
      const activity = runActivityId(d.runId);
      const agent = userAgentId(d.environment.user);
      putEntry(state.graph.activities, activity, {
        id: activity,
        runId: d.runId,
        projectId: d.projectId,
        startedAt: d.startedAt,
        endedAt: null,
        status: 'running',
        description: null,
      });
      if (!ownEntry(state.graph.agents, agent)) putEntry(state.graph.agents, agent, { id: agent, user: d.environment.user });
      putEntry(state.graph.wasAssociatedWith, relationKey(activity, agent), { activity, agent });
      return state;
    },
    RunDescribed: (state, e) => onActivity(state, e, (a) => (a.description = e.data.description)),
    RunErrored: (state, e) => onActivity(state, e, (a) => (a.status = 'errored')),
    RunAbandoned: (state, e) => onActivity(state, e, (a) => (a.status = 'abandoned')),
    RunPublished: (state, e) =>
      onActivity(state, e, (a) => {
        a.endedAt = e.data.endedAt;
        if (a.status !== 'errored') a.status = 'published';
      }),
    InputDeclared: (state, e) => {
      if (categoryOf(e.stream) !== 'run') return state;
      const runId = idOf(e.stream);
      const version = resolveInput(state.matching, e.data.dataset, e.data.version, runId);
      if (version !== undefined) use(state, runActivityId(runId), datasetVersionId(e.data.dataset, version));
      return state;
    },
    DatasetVersionCreated: (state, e) => {
      const d = e.data;
      const id = datasetVersionId(d.name, d.version);
      addEntity(state, e, { id, kind: 'dataset', name: d.name, version: d.version, path: d.path ?? null, ref: d.ref }, d.producedBy);
      for (const runId of recordVersion(state.matching, d.name, d.ref, d.version)) use(state, runActivityId(runId), id);
      return state;
    },
    ModelVersionCreated: (state, e) => {
      const d = e.data;
      const id = modelVersionId(d.name, d.version);
      addEntity(state, e, { id, kind: 'model', name: d.name, version: d.version, path: d.path ?? null, ref: d.ref }, d.producedBy);
      return state;
    },
  },
});
