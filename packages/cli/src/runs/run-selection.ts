import { runQuery, runsProjection, selectionQuery, withoutWrappingWorkloads, type RunView, type RunsState } from '@dotscience/core';
import type { Dotscience } from '@dotscience/sdk';
import { currentState } from '../projections/current-state.js';

export interface RunSelection {
  filter?: string;
  /** Order keys in the query language's `order by` syntax: "metrics.accuracy desc, params.depth". */
  sort?: string;
  limit?: number;
  /** Also the workload runs that wrap the runs their program recorded (hidden by default). */
  workloads?: boolean;
}

export async function runsState(ds: Dotscience): Promise<RunsState> {
  return currentState(ds, runsProjection);
}

/** The runs a selection picks, in its order (newest first by default); wrapping workload runs only when asked. */
export async function selectRuns(ds: Dotscience, selection: RunSelection): Promise<{ runs: RunView[]; all: RunsState }> {
  const all = await runsState(ds);
  const query = selectionQuery(selection.filter, selection.sort);
  const inProject = projectRuns(ds, Object.values(all));
  const candidates = selection.workloads ? inProject : withoutWrappingWorkloads(inProject);
  const runs = runQuery(candidates, query, selection.limit === undefined ? {} : { limit: selection.limit });
  return { runs, all };
}

/**
 * The runs of the project named by --project, DOTSCIENCE_PROJECT or the config file (a store
 * may hold several projects' runs); every run when no project is named.
 */
export function projectRuns(ds: Dotscience, runs: readonly RunView[]): RunView[] {
  const { projectId, sources, store } = ds.configuration;
  // A hub serves one project's store (the token's): every run pushed there is in it, whatever project its workstation named.
  return sources.project === 'default' || store.kind === 'hub' ? [...runs] : runs.filter((r) => r.projectId === projectId);
}

/** The ids of the named project's runs, or undefined when no project is named (nothing to scope). */
export async function projectRunIds(ds: Dotscience): Promise<Set<string> | undefined> {
  if (ds.configuration.sources.project === 'default' || ds.configuration.store.kind === 'hub') return undefined;
  return new Set(projectRuns(ds, Object.values(await runsState(ds))).map((r) => r.runId));
}

/** Versions of a dataset or model in the named project: produced by one of its runs (or, external data, read by one). */
export function inProject<V extends { producedBy: string | null; consumedBy?: string[] }>(versions: readonly V[], runIds: Set<string> | undefined): V[] {
  if (runIds === undefined) return [...versions];
  return versions.filter((v) => (v.producedBy !== null ? runIds.has(v.producedBy) : (v.consumedBy ?? []).some((id) => runIds.has(id))));
}
