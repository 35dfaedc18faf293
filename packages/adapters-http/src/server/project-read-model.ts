import {
  builtInProjections,
  eventApplier,
  initialStateOf,
  type DatasetsState,
  type EventStore,
  type ModelsState,
  type ProvenanceState,
  type RunsState,
} from '@dotscience/core';

export interface ReadModelState {
  runs: RunsState;
  datasets: DatasetsState;
  models: ModelsState;
  provenance: ProvenanceState;
}

/**
 * The read side of one project on the hub: the built-in projections kept in
 * memory and caught up with the project's log before each read (only events
 * recorded since the last read are applied).
 */
export class ProjectReadModel {
  private state: ReadModelState = {
    runs: initialStateOf(builtInProjections.runs),
    datasets: initialStateOf(builtInProjections.datasets),
    models: initialStateOf(builtInProjections.models),
    provenance: initialStateOf(builtInProjections.provenance),
  };
  private readonly apply = {
    runs: eventApplier(builtInProjections.runs),
    datasets: eventApplier(builtInProjections.datasets),
    models: eventApplier(builtInProjections.models),
    provenance: eventApplier(builtInProjections.provenance),
  };
  private position = -1;
  private catching: Promise<void> | undefined;

  constructor(private readonly events: EventStore) {}

  /** The state after every event recorded so far. Read it; never change it. */
  async current(): Promise<ReadModelState> {
    this.catching ??= this.catchUp().finally(() => (this.catching = undefined));
    await this.catching;
    return this.state;
  }

  private async catchUp(): Promise<void> {
    for await (const event of this.events.readAll({ fromPosition: this.position + 1 })) {
      const { runs, datasets, models, provenance } = this.state;
      this.state = {
        runs: this.apply.runs(runs, event),
        datasets: this.apply.datasets(datasets, event),
        models: this.apply.models(models, event),
        provenance: this.apply.provenance(provenance, event),
      };
      this.position = event.position;
    }
  }
}
