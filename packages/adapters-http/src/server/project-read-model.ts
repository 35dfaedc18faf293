import {
  builtInProjections,
  eventApplier,
  initialStateOf,
  SkippedEvents,
  type DatasetsState,
  type EventStore,
  type ModelsState,
  type ProvenanceState,
  type RunsState,
  type SkippedEvent,
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
 * recorded since the last read are applied). An event the catalogue refuses is
 * passed over by every projection and reported once in `skipped`, so the rest is
 * still served.
 */
export class ProjectReadModel {
  private state: ReadModelState = {
    runs: initialStateOf(builtInProjections.runs),
    datasets: initialStateOf(builtInProjections.datasets),
    models: initialStateOf(builtInProjections.models),
    provenance: initialStateOf(builtInProjections.provenance),
  };
  /** Events the projections passed over because the catalogue refuses them (planted in the store, never admitted by the gate). */
  readonly skipped = new SkippedEvents();
  private lastSkipped = -1;
  private readonly report = (skipped: SkippedEvent): void => {
    // Each projection that handles the event's type meets it; it is one event, reported once.
    if (skipped.position === this.lastSkipped) return;
    this.lastSkipped = skipped.position;
    this.skipped.record(skipped);
  };
  private readonly apply = {
    runs: eventApplier(builtInProjections.runs, undefined, this.report),
    datasets: eventApplier(builtInProjections.datasets, undefined, this.report),
    models: eventApplier(builtInProjections.models, undefined, this.report),
    provenance: eventApplier(builtInProjections.provenance, undefined, this.report),
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
