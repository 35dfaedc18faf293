import type { DatasetView } from '../projections/datasets.js';
import type { ModelView } from '../projections/models.js';
import type { ProvenanceGraph } from '../projections/provenance/graph.js';
import type { LineageDirection } from '../projections/provenance/lineage.js';
import type { ReadModelCatchUp } from './read-model.js';

/**
 * The built-in datasets, models and provenance projections materialized in an
 * indexed store beside the runs (docs/decisions.md D118): a read command
 * catches it up from the log's tail and reads one dataset, one model or one
 * node's lineage without rebuilding the whole state. Its answers are those of
 * `datasetsProjection`, `modelsProjection`, `provenanceProjection` and
 * `lineageOf`, which stay the reference semantics (the contract suite
 * `provenanceReadModelContract` checks an implementation against them).
 */
export interface ProvenanceReadModel {
  catchUp(): Promise<ReadModelCatchUp>;
  /** Every dataset, in the order of the datasets projection's state (as `Object.values(state.datasets)`). */
  datasets(): Promise<DatasetView[]>;
  dataset(name: string): Promise<DatasetView | undefined>;
  /** Every model, in the order of the models projection's state (as `Object.values(state)`). */
  models(): Promise<ModelView[]>;
  model(name: string): Promise<ModelView | undefined>;
  /** The ids of the runs a project's RunStarted named (the provenance graph's activities of that project), deleted runs too. */
  projectRunIds(projectId: string): Promise<string[]>;
  /** The node a user means (`resolveLineageNode` over the provenance graph); throws its errors. */
  lineageNode(ref: string): Promise<string>;
  /** The lineage of a node (`lineageOf` over the provenance graph); throws UnknownLineageNodeError for a node not in it. */
  lineage(nodeId: string, direction: LineageDirection): Promise<ProvenanceGraph>;
  close(): Promise<void>;
}

export const ProvenanceReadModel = Symbol.for('dotscience.ProvenanceReadModel');
