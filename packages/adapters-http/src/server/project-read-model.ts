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
 * The read side of one project on the hub: its read models, each caught up with
 * the project's log before a read of it (one catch-up of each at a time; a
 * request meanwhile shares it). A route that reads the runs alone does not catch
 * up the datasets, models and lineage (D142). An event the catalogue refuses is
 * passed over and reported once in `skipped`, so the rest is still served.
 */
export class ProjectReadModel {
  /** Events the read models passed over because the catalogue refuses them (planted in the store, never admitted by the gate). */
  readonly skipped = new SkippedEvents();
  /** `stream#revision` of the events in `skipped`: one both read models pass over is counted once. */
  private readonly reported = new Set<string>();
  private readonly catching: { [M in keyof ProjectReadModels]?: Promise<void> } = {};

  constructor(private readonly models: ProjectReadModels) {}

  /** The read models after every event recorded so far: the one named, or both. */
  async current(which?: keyof ProjectReadModels): Promise<ProjectReadModels> {
    for (const name of which === undefined ? (['runs', 'provenance'] as const) : [which]) {
      this.catching[name] ??= this.catchUp(name).finally(() => (this.catching[name] = undefined));
      await this.catching[name];
    }
    return this.models;
  }

  private async catchUp(name: keyof ProjectReadModels): Promise<void> {
    // Each under its own checkpoint, even where both live in one file (D142).
    const report = await this.models[name].catchUp();
    for (const s of report.skipped) {
      if (this.reported.has(`${s.stream}#${s.revision}`)) continue;
      this.reported.add(`${s.stream}#${s.revision}`);
      this.skipped.record({ projection: 'read-model', position: s.position ?? -1, ...s });
    }
  }

  async close(): Promise<void> {
    await this.models.runs.close();
    await this.models.provenance.close();
  }
}
