import type { VersionRef } from '../events/catalogue.js';
import { categoryOf, DEFAULT_PROJECT, idOf, inputStreamIds, versionStreamId } from '../events/streams.js';
import { ownEntry, putEntry } from './own-keys.js';
import { defineProjection } from './projection.js';
import { emptyVersionMatching, recordVersion, resolveInputAmong, stopWaitingElsewhere, type VersionMatching } from './version-matching.js';
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
  /** The project numbering its versions, when not the default project (D122). */
  project?: string;
  /** Ordered by version number. */
  versions: DatasetVersionView[];
}

export interface DatasetsState {
  /** Dataset name (`<project>:<name>` outside the default project: its stream's id, D122) → its versions. */
  datasets: Record<string, DatasetView>;
  /** Run → its project, for runs outside the default project (their inputs are that project's versions). */
  runProjects?: Record<string, string>;
  /** Inputs declared before the version they read was recorded. */
  matching: VersionMatching;
}

function versionOf(state: DatasetsState, name: string, version: number): DatasetVersionView | undefined {
  return ownEntry(state.datasets, name)?.versions.find((v) => v.version === version);
}

function runProjectOf(state: DatasetsState, runId: string): string | undefined {
  return state.runProjects && ownEntry(state.runProjects, runId);
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
  version: 4,
  initial: { datasets: {}, matching: emptyVersionMatching(), runProjects: {} },
  handlers: {
    RunStarted: (state, e) => {
      if (categoryOf(e.stream) === 'run' && e.data.projectId !== DEFAULT_PROJECT) putEntry((state.runProjects ??= {}), e.data.runId, e.data.projectId);
      return state;
    },
    DatasetVersionCreated: (state, e) => {
      const d = e.data;
      const key = versionStreamId(d.project, d.name);
      const dataset =
        ownEntry(state.datasets, key) ??
        putEntry(state.datasets, key, { name: d.name, ...(d.project === undefined ? {} : { project: d.project }), versions: [] });
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
      const released = recordVersion(state.matching, key, d.ref, view.version);
      for (const runId of released) addConsumer(view, runId);
      stopWaitingElsewhere(state.matching, key, d.ref, released, (runId) => inputStreamIds(runProjectOf(state, runId), d.name));
      return state;
    },
    InputDeclared: (state, e) => {
      if (categoryOf(e.stream) !== 'run') return state;
      const runId = idOf(e.stream);
      // The run's project's dataset of that name (D122), or the default project's in a store written before.
      const found = resolveInputAmong(state.matching, inputStreamIds(runProjectOf(state, runId), e.data.dataset), e.data.version, runId, e.position);
      const view = found === undefined ? undefined : versionOf(state, found.name, found.version);
      if (view) addConsumer(view, runId);
      return state;
    },
  },
});
