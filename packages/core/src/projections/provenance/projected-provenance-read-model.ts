import type { EventStore } from '../../ports/event-store.js';
import type { ProvenanceReadModel } from '../../ports/provenance-read-model.js';
import type { ReadModelCatchUp } from '../../ports/read-model.js';
import { datasetsProjection, type DatasetsState, type DatasetView } from '../datasets.js';
import { modelsProjection, type ModelsState, type ModelView } from '../models.js';
import { ownEntry } from '../own-keys.js';
import { eventApplier, initialStateOf } from '../projection.js';
import type { ProvenanceGraph } from './graph.js';
import { lineageOf, resolveLineageNode, type LineageDirection } from './lineage.js';
import { provenanceProjection, type ProvenanceState } from './provenance-projection.js';

/**
 * The provenance read model kept in memory by the projections themselves: each
 * catch-up folds the log's tail into the datasets, models and provenance states.
 * It is the reference the indexed read models are checked against
 * (`provenanceReadModelContract`), and serves where no indexed store is bound.
 */
export class ProjectedProvenanceReadModel implements ProvenanceReadModel {
  private datasetsState: DatasetsState = initialStateOf(datasetsProjection);
  private modelsState: ModelsState = initialStateOf(modelsProjection);
  private provenanceState: ProvenanceState = initialStateOf(provenanceProjection);
  private position = -1;

  constructor(private readonly events: EventStore) {}

  async catchUp(): Promise<ReadModelCatchUp> {
    const skipped: ReadModelCatchUp['skipped'] = [];
    const seen = new Set<number>();
    const onSkipped = (s: { stream: string; revision: number; position: number; type: string; reason: string }): void => {
      if (seen.has(s.position)) return;
      seen.add(s.position);
      skipped.push({ stream: s.stream, revision: s.revision, type: s.type, reason: s.reason, position: s.position });
    };
    const datasets = eventApplier(datasetsProjection, undefined, onSkipped);
    const models = eventApplier(modelsProjection, undefined, onSkipped);
    const provenance = eventApplier(provenanceProjection, undefined, onSkipped);
    const origin = this.position < 0 ? 'rebuilt' : 'resumed';
    let read = 0;
    for await (const e of this.events.readAll({ fromPosition: this.position + 1 })) {
      this.datasetsState = datasets(this.datasetsState, e);
      this.modelsState = models(this.modelsState, e);
      this.provenanceState = provenance(this.provenanceState, e);
      this.position = e.position;
      read++;
    }
    return { read, position: this.position, origin, skipped };
  }

  async datasets(): Promise<DatasetView[]> {
    return structuredClone(Object.values(this.datasetsState.datasets));
  }

  async dataset(name: string): Promise<DatasetView | undefined> {
    return structuredClone(ownEntry(this.datasetsState.datasets, name));
  }

  async models(): Promise<ModelView[]> {
    return structuredClone(Object.values(this.modelsState));
  }

  async model(name: string): Promise<ModelView | undefined> {
    return structuredClone(ownEntry(this.modelsState, name));
  }

  async projectRunIds(projectId: string): Promise<string[]> {
    return Object.values(this.provenanceState.graph.activities)
      .filter((a) => a.projectId === projectId)
      .map((a) => a.runId);
  }

  async lineageNode(ref: string): Promise<string> {
    return resolveLineageNode(this.provenanceState.graph, ref);
  }

  async lineage(nodeId: string, direction: LineageDirection): Promise<ProvenanceGraph> {
    return structuredClone(lineageOf(this.provenanceState.graph, nodeId, direction));
  }

  async close(): Promise<void> {}
}
