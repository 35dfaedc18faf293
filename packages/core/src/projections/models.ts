import type { VersionRef } from '../events/catalogue.js';
import type { JsonValue } from '../events/json.js';
import { ownEntry, putEntry } from './own-keys.js';
import { defineProjection } from './projection.js';
import { numberedBy, placeVersionEvent, settleView, sortVersionViews, type VersionNumberedBy } from './version-settlement.js';

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
  /** Who numbered it: 'local' numbers are provisional until a hub settles them (D104). */
  numbering: VersionNumberedBy;
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
  version: 2,
  initial: {},
  handlers: {
    ModelVersionCreated: (state, e) => {
      const d = e.data;
      const model = ownEntry(state, d.name) ?? putEntry(state, d.name, { name: d.name, versions: [] });
      const place = placeVersionEvent(model.versions, d);
      if (place.kind === 'settles') {
        settleView(place.view, d.version);
        sortVersionViews(model.versions, place.view);
      }
      if (place.kind === 'new') {
        const view: ModelVersionView = {
          version: d.version,
          ref: d.ref,
          producedBy: d.producedBy,
          framework: d.framework ?? null,
          path: d.path ?? null,
          metrics: d.metrics,
          extra: d.extra ?? {},
          createdAt: e.recordedAt,
          position: e.position,
          numbering: numberedBy(d.numbering),
        };
        model.versions.push(view);
        sortVersionViews(model.versions, view);
      }
      return state;
    },
  },
});
