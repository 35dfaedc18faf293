import type Database from 'better-sqlite3';
import {
  datasetsProjection,
  eventApplier,
  modelsProjection,
  provenanceProjection,
  type DatasetsState,
  type DatasetView,
  type ModelsState,
  type ModelView,
  type ProvenanceState,
  type ReadModelCatchUp,
  type RecordedEvent,
} from '@dotscience/core';
import { identityKeyOf } from '@dotscience/core/store-kit';
import { ProjectionEntries } from './projection-entries.js';
import type { ListFields } from './projection-lists.js';

/** The records of `projection_entries` that hold the datasets, models and provenance states. */
export const ENTRY_RECORDS = {
  datasets: 'datasets',
  datasetVersions: 'datasets.matching.versions',
  datasetAwaiting: 'datasets.matching.awaiting',
  datasetRunProjects: 'datasets.runProjects',
  models: 'models',
  entities: 'provenance.entities',
  activities: 'provenance.activities',
  agents: 'provenance.agents',
  used: 'provenance.used',
  wasGeneratedBy: 'provenance.wasGeneratedBy',
  wasDerivedFrom: 'provenance.wasDerivedFrom',
  wasAssociatedWith: 'provenance.wasAssociatedWith',
  provenanceVersions: 'provenance.matching.versions',
  provenanceAwaiting: 'provenance.matching.awaiting',
  usedBy: 'provenance.usedBy',
  generatedBy: 'provenance.generatedBy',
  entityVersions: 'provenance.versions',
} as const;

/**
 * The lists kept as rows of their own (D171): those that grow by an item per version of a dataset or model, so
 * that appending a version writes that item and a small entry, not the whole list. A list of versions is looked
 * up by the identity of its items.
 */
export const ENTRY_LISTS: Readonly<Record<string, ListFields>> = {
  [ENTRY_RECORDS.datasets]: { versions: identityKeyOf },
  [ENTRY_RECORDS.models]: { versions: identityKeyOf, history: null },
  [ENTRY_RECORDS.entityVersions]: { '': identityKeyOf },
};

/** An entity entry's version number (null for other entries). */
export const ENTITY_VERSION_SQL = `json_extract(value, '$.version')`;
/** An entity entry's node: its id without `@<version>`, the `<kind>:<key>` a bare name resolves per (D122). */
export const ENTITY_NODE_SQL = `substr(key, 1, length(key) - length('@' || ${ENTITY_VERSION_SQL}))`;

/**
 * Indexes of the entities by name and node (first recorded first, by row id) and by name, node and version
 * (latest last): what a bare name resolves to is found in a few index steps, not by reading every version
 * of the name (a model of 100k versions has 100k entity entries). A query must spell the expressions as
 * these do, and name the record as a literal, for SQLite to use them.
 */
export const ENTITY_INDEXES = `
CREATE INDEX IF NOT EXISTS projection_entries_entity_nodes ON projection_entries (a, ${ENTITY_NODE_SQL}) WHERE record = '${ENTRY_RECORDS.entities}';
CREATE INDEX IF NOT EXISTS projection_entries_entity_versions ON projection_entries (a, ${ENTITY_NODE_SQL}, ${ENTITY_VERSION_SQL}) WHERE record = '${ENTRY_RECORDS.entities}';
`;

/** The projections whose states the entries hold: a change of their version rebuilds the read model. */
export const PROVENANCE_STATES_VERSION = `d${datasetsProjection.version}m${modelsProjection.version}p${provenanceProjection.version}`;

type Skipped = ReadModelCatchUp['skipped'][number];

/**
 * The datasets, models and provenance projections evolved by their own handlers
 * over states whose keyed records live in `projection_entries` (D118): an event
 * reads the few entries its handler touches; `write` stores those that changed,
 * in the transaction that writes the runs and the checkpoint.
 */
export class ProvenanceStates {
  private readonly entries: ProjectionEntries;
  private readonly datasets: DatasetsState;
  private readonly models: ModelsState;
  private readonly provenance: ProvenanceState;

  constructor(db: Database.Database) {
    const entries = (this.entries = new ProjectionEntries(db));
    const relation = <R>(ends: (r: R) => [string, string]) => ends;
    this.datasets = {
      datasets: entries.record<DatasetView>(ENTRY_RECORDS.datasets, undefined, ENTRY_LISTS[ENTRY_RECORDS.datasets]),
      // Name → content → version, and name → content → run → position: a key per version and per run, never rewritten whole (D185).
      matching: { versions: entries.nestedRecord(ENTRY_RECORDS.datasetVersions, 1), awaiting: entries.nestedRecord(ENTRY_RECORDS.datasetAwaiting, 2) },
      // Kept like the rest: a run's input recorded in a later catch-up resolves by the project its start named.
      runProjects: entries.record<string>(ENTRY_RECORDS.datasetRunProjects),
    };
    this.models = entries.record<ModelView>(ENTRY_RECORDS.models, undefined, ENTRY_LISTS[ENTRY_RECORDS.models]);
    this.provenance = {
      graph: {
        entities: entries.record(ENTRY_RECORDS.entities, (e) => [e.name, e.kind]),
        activities: entries.record(ENTRY_RECORDS.activities, (a) => [a.projectId, null]),
        agents: entries.record(ENTRY_RECORDS.agents),
        // a → b as provEdges draws each relation, so lineage walks `a` to `b` upstream and back downstream.
        used: entries.record(
          ENTRY_RECORDS.used,
          relation((r) => [r.activity, r.entity]),
        ),
        wasGeneratedBy: entries.record(
          ENTRY_RECORDS.wasGeneratedBy,
          relation((r) => [r.entity, r.activity]),
        ),
        wasDerivedFrom: entries.record(
          ENTRY_RECORDS.wasDerivedFrom,
          relation((r) => [r.generatedEntity, r.usedEntity]),
        ),
        wasAssociatedWith: entries.record(
          ENTRY_RECORDS.wasAssociatedWith,
          relation((r) => [r.activity, r.agent]),
        ),
      },
      matching: { versions: entries.nestedRecord(ENTRY_RECORDS.provenanceVersions, 1), awaiting: entries.nestedRecord(ENTRY_RECORDS.provenanceAwaiting, 2) },
      usedBy: entries.record(ENTRY_RECORDS.usedBy),
      generatedBy: entries.record(ENTRY_RECORDS.generatedBy),
      versions: entries.record(ENTRY_RECORDS.entityVersions, undefined, ENTRY_LISTS[ENTRY_RECORDS.entityVersions]),
    };
  }

  /** An applier of the three projections for one catch-up; refused events are reported once each into `skipped`. */
  applier(skipped: Skipped[]): (e: RecordedEvent) => void {
    // An event two projections (or the runs') refuse is reported once.
    const onSkipped = (s: Skipped & { position: number }): void => {
      if (skipped.some((k) => k.stream === s.stream && k.revision === s.revision)) return;
      skipped.push({ stream: s.stream, revision: s.revision, type: s.type, reason: s.reason, position: s.position });
    };
    const datasets = eventApplier(datasetsProjection, undefined, onSkipped);
    const models = eventApplier(modelsProjection, undefined, onSkipped);
    const provenance = eventApplier(provenanceProjection, undefined, onSkipped);
    return (e) => {
      datasets(this.datasets, e);
      models(this.models, e);
      provenance(this.provenance, e);
    };
  }

  /** Entries held in memory until the next write. */
  get touched(): number {
    return this.entries.touched;
  }

  write(): void {
    this.entries.write();
  }

  forget(): void {
    this.entries.forget();
  }
}
