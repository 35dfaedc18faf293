import type { VersionRef } from '../events/catalogue.js';
import type { JsonValue } from '../events/json.js';
import { versionStreamId } from '../events/streams.js';
import { ownEntry, putEntry } from './own-keys.js';
import { defineProjection, type ProjectedEnvelope } from './projection.js';
import { namedVersionView, numberedBy, placeVersionEvent, settleView, sortVersionViews, versionKey, type VersionNumberedBy } from './version-settlement.js';

export interface ModelVersionView {
  version: number;
  ref: VersionRef;
  producedBy: string;
  framework: string | null;
  path: string | null;
  /** The producing run's metrics when the version was published. */
  metrics: Record<string, JsonValue>;
  extra: Record<string, JsonValue>;
  /** Tags set on this version after it was created (ModelVersionTagged). */
  tags: Record<string, string>;
  description: string | null;
  createdAt: string;
  position: number;
  /** Who numbered it: 'local' numbers are provisional until a hub settles them (D104). */
  numbering: VersionNumberedBy;
}

export interface ModelView {
  name: string;
  /** The project numbering its versions, when not the default project (D122). */
  project?: string;
  /** Ordered by version number. */
  versions: ModelVersionView[];
  /** Alias → the version number it points at now. */
  aliases: Record<string, number>;
  /** Alias → the identity (content and producing run) of the version it points at, null for one without content: what keeps an alias on its version when the hub settles it under another number (D126). */
  aliasTargets: Record<string, string | null>;
  description: string | null;
  /** Every change of the model, oldest first: who (meta.actor), when, what. */
  history: ModelHistoryEntry[];
}

export interface ModelHistoryEntry {
  at: string;
  /** `user@host` of the writer, when it said. */
  by: string | null;
  type: string;
  data: Record<string, JsonValue>;
}

/** The history entry of `e`; `data` when it records less than the event's data. */
function entryOf(e: ProjectedEnvelope & { type: string; data: unknown }, data = e.data as Record<string, JsonValue>): ModelHistoryEntry {
  const actor = e.meta.actor;
  return { at: e.recordedAt, by: actor ? `${actor.user}@${actor.host}` : null, type: e.type, data };
}

/** The model of `name` in `project` (D122): keyed by its stream's id, `<project>:<name>` outside the default project. */
function modelOf(state: ModelsState, data: { name: string; project?: string }): ModelView {
  const { name, project } = data;
  const key = versionStreamId(project, name);
  return (
    ownEntry(state, key) ??
    putEntry(state, key, { name, ...(project === undefined ? {} : { project }), versions: [], aliases: {}, aliasTargets: {}, description: null, history: [] })
  );
}

/** After `settled` took the hub's number: the aliases on it point at that number (tags and descriptions are on the view already). */
function moveAliases(model: ModelView, settled: ModelVersionView): void {
  const key = versionKey(settled.ref, settled.producedBy);
  if (key === null) return;
  for (const [alias, target] of Object.entries(model.aliasTargets)) if (target === key) putEntry(model.aliases, alias, settled.version);
}

/** Model name (`<project>:<name>` outside the default project) → its versions. */
export type ModelsState = Record<string, ModelView>;

/** Built-in `models`: name → versions, each with its producing run and the metrics at publish; aliases, tags, descriptions and the registry's history. */
export const modelsProjection = defineProjection<ModelsState>({
  name: 'models',
  version: 4,
  initial: {},
  handlers: {
    ModelVersionCreated: (state, e) => {
      const d = e.data;
      const model = modelOf(state, d);
      const place = placeVersionEvent(model.versions, d);
      if (place.kind === 'settles') {
        settleView(place.view, d.version);
        sortVersionViews(model.versions, place.view);
        moveAliases(model, place.view);
      }
      if (place.kind === 'new') {
        model.history.push(entryOf(e, { version: d.version, producedBy: d.producedBy }));
        const view: ModelVersionView = {
          version: d.version,
          ref: d.ref,
          producedBy: d.producedBy,
          framework: d.framework ?? null,
          path: d.path ?? null,
          metrics: d.metrics,
          extra: d.extra ?? {},
          tags: {},
          description: null,
          createdAt: e.recordedAt,
          position: e.position,
          numbering: numberedBy(d.numbering),
        };
        model.versions.push(view);
        sortVersionViews(model.versions, view);
      }
      return state;
    },
    ModelAliasSet: (state, e) => {
      const model = modelOf(state, e.data);
      const version = namedVersionView(model.versions, e.data);
      putEntry(model.aliases, e.data.alias, version?.version ?? e.data.version);
      putEntry(model.aliasTargets, e.data.alias, version ? versionKey(version.ref, version.producedBy) : (e.data.versionIdentity ?? null));
      model.history.push(entryOf(e));
    },
    ModelAliasRemoved: (state, e) => {
      const model = modelOf(state, e.data);
      if (Object.hasOwn(model.aliases, e.data.alias)) delete model.aliases[e.data.alias];
      if (Object.hasOwn(model.aliasTargets, e.data.alias)) delete model.aliasTargets[e.data.alias];
      model.history.push(entryOf(e));
    },
    ModelVersionTagged: (state, e) => {
      const model = modelOf(state, e.data);
      const version = namedVersionView(model.versions, e.data);
      if (version && e.data.value === null) {
        if (Object.hasOwn(version.tags, e.data.key)) delete version.tags[e.data.key];
      } else if (version) putEntry(version.tags, e.data.key, e.data.value!);
      model.history.push(entryOf(e));
    },
    ModelDescribed: (state, e) => {
      const model = modelOf(state, e.data);
      const version = e.data.version === undefined ? undefined : namedVersionView(model.versions, { ...e.data, version: e.data.version });
      if (version) version.description = e.data.description;
      else if (e.data.version === undefined) model.description = e.data.description;
      model.history.push(entryOf(e));
    },
  },
});
