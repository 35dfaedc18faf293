import type { VersionRef } from '../events/catalogue.js';
import type { JsonValue } from '../events/json.js';
import { ownEntry, putEntry } from './own-keys.js';
import { defineProjection } from './projection.js';

export interface ModelVersionView {
  version: number;
  ref: VersionRef;
  producedBy: string;
  framework: string | null;
  path: string | null;
  /** The producing run's metrics when the version was published. */
  metrics: Record<string, JsonValue>;
  extra: Record<string, JsonValue>;
  createdAt: string;
  position: number;
}

export interface ModelView {
  name: string;
  /** Ordered by version number. */
  versions: ModelVersionView[];
}

/** Model name → its versions. */
export type ModelsState = Record<string, ModelView>;

/** Built-in `models`: name → versions, each with its producing run and the metrics at publish. */
export const modelsProjection = defineProjection<ModelsState>({
  name: 'models',
  version: 1,
  initial: {},
  handlers: {
    ModelVersionCreated: (state, e) => {
      const d = e.data;
      const model = ownEntry(state, d.name) ?? putEntry(state, d.name, { name: d.name, versions: [] });
      if (model.versions.some((v) => v.version === d.version)) return state;
      const last = model.versions[model.versions.length - 1];
      model.versions.push({
        version: d.version,
        ref: d.ref,
        producedBy: d.producedBy,
        framework: d.framework ?? null,
        path: d.path ?? null,
        metrics: d.metrics,
        extra: d.extra ?? {},
        createdAt: e.recordedAt,
        position: e.position,
      });
      if (last && last.version > d.version) model.versions.sort((a, b) => a.version - b.version);
      return state;
    },
  },
});
