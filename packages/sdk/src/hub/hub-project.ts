import type { HttpEventStore } from '@dotscience/adapters-http';
import type { EventStore } from '@dotscience/core';
import type { Configuration } from '../configuration/resolve-configuration.js';

/**
 * The project runs written through these stores belong to. Configured (explicitly,
 * by DOTSCIENCE_PROJECT or config.json) it is that; through a hub without one, it is
 * the project the token is scoped to, asked of the hub once — a hub token reaches
 * exactly one project, so recording 'default' there would name a project the run is
 * not in.
 */
export async function projectOfRuns(ds: { readonly configuration: Configuration; readonly events: EventStore }): Promise<string> {
  const { configuration } = ds;
  if (configuration.store.kind !== 'hub' || configuration.sources.project !== 'default') return configuration.projectId;
  return (ds.events as HttpEventStore).connection.project();
}
