import {
  ProjectedProvenanceReadModel,
  ProjectedRunReadModel,
  SkippedEvents,
  type EventStore,
  type ProvenanceReadModel,
  type RunReadModel,
} from '@dotscience/core';

/** A project's read models: its runs, and its datasets, models and lineage (one file where indexed, each part with its own checkpoint). */
export interface ProjectReadModels {
  runs: RunReadModel;
  provenance: ProvenanceReadModel;
}

/** Opens the read models of a project over its event log (the composition root binds the indexed one, D119). */
export type OpenProjectReadModels = (project: string, events: EventStore) => ProjectReadModels;

/** The read models the projections keep in memory: where no indexed store is given (tests of the wire). */
export const projectedReadModels: OpenProjectReadModels = (_project, events) => ({
  runs: new ProjectedRunReadModel(events),
  provenance: new ProjectedProvenanceReadModel(events),
});

/**
 * The read side of one project on the hub: its read models, caught up with the
 * project's log before each read (one catch-up at a time; a request meanwhile
 * shares it). An event the catalogue refuses is passed over and reported once in
 * `skipped`, so the rest is still served.
 */
export class ProjectReadModel {
  /** Events the read models passed over because the catalogue refuses them (planted in the store, never admitted by the gate). */
  readonly skipped = new SkippedEvents();
  private catching: Promise<void> | undefined;

  constructor(private readonly models: ProjectReadModels) {}

  /** The read models after every event recorded so far. */
  async current(): Promise<ProjectReadModels> {
    this.catching ??= this.catchUp().finally(() => (this.catching = undefined));
    await this.catching;
    return this.models;
  }

  private async catchUp(): Promise<void> {
    // Each under its own checkpoint, even where both live in one file (D142): each reads the log's tail.
    const reports = [await this.models.runs.catchUp(), await this.models.provenance.catchUp()];
    const seen = new Set<string>();
    for (const s of reports.flatMap((r) => r.skipped)) {
      if (seen.has(`${s.stream}#${s.revision}`)) continue;
      seen.add(`${s.stream}#${s.revision}`);
      this.skipped.record({ projection: 'read-model', position: s.position ?? -1, ...s });
    }
  }

  async close(): Promise<void> {
    await this.models.runs.close();
    await this.models.provenance.close();
  }
}
