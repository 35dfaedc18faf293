import type { VersionRef } from '../events/catalogue.js';
import { categoryOf, idOf } from '../events/streams.js';
import { ownEntry, putEntry } from './own-keys.js';
import { defineProjection } from './projection.js';
import { emptyVersionMatching, recordVersion, resolveInput, type VersionMatching } from './version-matching.js';
import { numberedBy, placeVersionEvent, settleView, sortVersionViews, type VersionNumberedBy } from './version-settlement.js';

export interface DatasetVersionView {
  version: number;
  ref: VersionRef;
  bytes: number;
  files: number;
  path: string | null;
  /** The run that wrote it; null for data that entered from outside. */
  producedBy: string | null;
  /** Runs that declared it as an input, in the order they did. */
  consumedBy: string[];
  createdAt: string;
  position: number;
  /** Who numbered it: 'local' numbers are provisional until a hub settles them (D104). */
  numbering: VersionNumberedBy;
}

export interface DatasetView {
  name: string;
  /** Ordered by version number. */
  versions: DatasetVersionView[];
}

export interface DatasetsState {
  /** Dataset name → its versions. */
  datasets: Record<string, DatasetView>;
  /** Inputs declared before the version they read was recorded. */
  matching: VersionMatching;
}

function versionOf(state: DatasetsState, name: string, version: number): DatasetVersionView | undefined {
  return ownEntry(state.datasets, name)?.versions.find((v) => v.version === version);
}

function addConsumer(target: DatasetVersionView, runId: string): void {
  if (!target.consumedBy.includes(runId)) target.consumedBy.push(runId);
}

/**
 * Built-in `datasets`: name → versions, each with its ref, producing run and
 * consuming runs. A run consumes a version when it declares an input of that
 * dataset with the same content (digest, or snapshot for stores that defer
 * digests), whichever of the two events comes first.
 */
export const datasetsProjection = defineProjection<DatasetsState>({
  name: 'datasets',
  version: 2,
  initial: { datasets: {}, matching: emptyVersionMatching() },
  handlers: {
    DatasetVersionCreated: (state, e) => {
      const d = e.data;
      const dataset = ownEntry(state.datasets, d.name) ?? putEntry(state.datasets, d.name, { name: d.name, versions: [] });
      const place = placeVersionEvent(dataset.versions, d);
      let view: DatasetVersionView;
      if (place.kind === 'new') {
        view = {
          version: d.version,
          ref: d.ref,
          bytes: d.bytes,
          files: d.files,
          path: d.path ?? null,
          producedBy: d.producedBy ?? null,
          consumedBy: [],
          createdAt: e.recordedAt,
          position: e.position,
          numbering: numberedBy(d.numbering),
        };
        dataset.versions.push(view);
      } else {
        view = place.view;
        if (place.kind === 'settles') settleView(view, d.version);
      }
      if (place.kind !== 'present') sortVersionViews(dataset.versions, view);
      for (const runId of recordVersion(state.matching, d.name, d.ref, view.version)) addConsumer(view, runId);
      return state;
    },
    InputDeclared: (state, e) => {
      if (categoryOf(e.stream) !== 'run') return state;
      const runId = idOf(e.stream);
      const version = resolveInput(state.matching, e.data.dataset, e.data.version, runId);
      const view = version === undefined ? undefined : versionOf(state, e.data.dataset, version);
      if (view) addConsumer(view, runId);
      return state;
    },
  },
});
