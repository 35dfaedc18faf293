import { selectionQuery, type Dotscience, type Filter, type RunPageRequest } from '@dotscience/sdk';
import { provenanceReadModel } from '../projections/provenance-read-model.js';

export interface RunSelection {
  filter?: string;
  /** Order keys in the query language's `order by` syntax: "metrics.accuracy desc, params.depth". */
  sort?: string;
  /** Also the workload runs that wrap the runs their program recorded (hidden by default). */
  workloads?: boolean;
  /** Also the archived runs (hidden by default; deleted runs are never listed). */
  archived?: boolean;
}

/**
 * The project named by --project, DOTSCIENCE_PROJECT or the config file, whose runs a read
 * is scoped to; undefined when none is named, or for a hub (a hub serves one project's store,
 * the token's: every run pushed there is in it, whatever project its workstation named).
 */
export function scopedProject(ds: Dotscience): string | undefined {
  const { projectId, sources, store } = ds.configuration;
  return sources.project === 'default' || store.kind === 'hub' ? undefined : projectId;
}

/** The read model request a selection means: its filter and sort as one query, within `project` when named; wrapping workload runs only when asked. */
export function selectionRequest(selection: RunSelection, project?: string): RunPageRequest {
  const query = selectionQuery(selection.filter, selection.sort);
  const inProject: Filter | null =
    project === undefined ? null : { kind: 'compare', field: { scope: 'attributes', key: 'project_id' }, op: '=', value: project };
  const filter = inProject === null ? query.filter : query.filter === null ? inProject : { kind: 'and' as const, left: inProject, right: query.filter };
  return { query: { ...query, filter }, ...(selection.workloads ? { workloads: true } : {}), ...(selection.archived ? { archived: true } : {}) };
}

/** The ids of the named project's runs, or undefined when no project is named (nothing to scope). */
export async function projectRunIds(ds: Dotscience): Promise<Set<string> | undefined> {
  const project = scopedProject(ds);
  if (project === undefined) return undefined;
  return new Set(await (await provenanceReadModel(ds)).projectRunIds(project));
}

/** Versions of a dataset or model in the named project: produced by one of its runs (or, external data, read by one). */
export function inProject<V extends { producedBy: string | null; consumedBy?: string[] }>(versions: readonly V[], runIds: Set<string> | undefined): V[] {
  if (runIds === undefined) return [...versions];
  return versions.filter((v) => (v.producedBy !== null ? runIds.has(v.producedBy) : (v.consumedBy ?? []).some((id) => runIds.has(id))));
}
