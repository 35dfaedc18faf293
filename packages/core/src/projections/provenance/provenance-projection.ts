import type { VersionRef } from '../../events/catalogue.js';
import { categoryOf, DEFAULT_PROJECT, idOf, inputStreamIds, versionStreamId } from '../../events/streams.js';
import { ownEntry, putEntry } from '../own-keys.js';
import { defineProjection, type ProjectedEvent } from '../projection.js';
import { emptyVersionMatching, recordVersion, resolveInputAmong, stopWaitingElsewhere, type VersionMatching } from '../version-matching.js';
import { entityOfInput, placeEntityVersion, type EntityVersion, type VersionEventFields } from './entity-settlement.js';
import { emptyProvenanceGraph, relationKey, runActivityId, userAgentId, type ProvEntity, type ProvenanceGraph } from './graph.js';

export interface ProvenanceState {
  graph: ProvenanceGraph;
  /** Inputs declared before the dataset version they read was recorded. */
  matching: VersionMatching;
  /** Activity id → entities it used / generated (to derive wasDerivedFrom whichever comes first). */
  usedBy: Record<string, string[]>;
  generatedBy: Record<string, string[]>;
  /** `dataset:<key>` / `model:<key>` → its versions and the entity each is now (D125). */
  versions: Record<string, EntityVersion[]>;
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

function projectOfRun(state: ProvenanceState, runId: string): string {
  return ownEntry(state.graph.activities, runActivityId(runId))?.projectId ?? DEFAULT_PROJECT;
}

/** A version event as an entity (D125): a new one is added; one settling a local version renames its entity; returns the version, or undefined when it was there. */
function placeVersion(
  state: ProvenanceState,
  e: ProjectedEvent,
  kind: 'dataset' | 'model',
  key: string,
  d: VersionEventFields & { producedBy?: string },
  path: string | null,
  name: string,
): EntityVersion | undefined {
  const prefix = `${kind}:${key}`;
  const versions = ownEntry((state.versions ??= {}), prefix) ?? putEntry(state.versions, prefix, []);
  const placed = placeEntityVersion(state, versions, prefix, d);
  if (placed.kind === 'present') return undefined;
  if (placed.kind === 'new') addEntity(state, e, { id: placed.view.id, kind, name, version: d.version, path, ref: d.ref }, d.producedBy);
  return placed.view;
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
  version: 3,
  initial: { graph: emptyProvenanceGraph(), matching: emptyVersionMatching(), usedBy: {}, generatedBy: {}, versions: {} },
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
      const found = resolveInputAmong(state.matching, inputStreamIds(projectOfRun(state, runId), e.data.dataset), e.data.version, runId, e.position);
      const entity = found && entityOfInput(ownEntry(state.versions, `dataset:${found.name}`), found.version, e.data.version);
      if (entity !== undefined) use(state, runActivityId(runId), entity);
      return state;
    },
    DatasetVersionCreated: (state, e) => {
      const d = e.data;
      const key = versionStreamId(d.project, d.name);
      const view = placeVersion(state, e, 'dataset', key, d, d.path ?? null, d.name);
      if (!view) return state;
      const released = recordVersion(state.matching, key, d.ref, view.version);
      for (const runId of released) use(state, runActivityId(runId), view.id);
      stopWaitingElsewhere(state.matching, key, d.ref, released, (runId) => inputStreamIds(projectOfRun(state, runId), d.name));
      return state;
    },
    ModelVersionCreated: (state, e) => {
      const d = e.data;
      placeVersion(state, e, 'model', versionStreamId(d.project, d.name), d, d.path ?? null, d.name);
      return state;
    },
  },
});
