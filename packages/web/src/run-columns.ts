import type { RunView } from '@dotscience/core';

/** A column of the runs table: what it shows of a run and the query-language field it sorts by. */
export interface RunColumn {
  title: string;
  sortField: string;
  value(run: RunView): string;
  width: string;
}

const show = (value: unknown): string => (value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value));

export const FIXED_COLUMNS: RunColumn[] = [
  { title: 'run', sortField: 'attributes.run_id', value: (r) => r.runId.slice(0, 13), width: '120px' },
  { title: 'status', sortField: 'attributes.status', value: (r) => r.status, width: '90px' },
  { title: 'started', sortField: 'attributes.started_at', value: (r) => r.startedAt.replace('T', ' ').slice(0, 19), width: '160px' },
  { title: 'description', sortField: 'attributes.description', value: (r) => r.description ?? '', width: 'minmax(160px, 1fr)' },
];

/** A chosen column, written as a query-language field: params.x, metrics.y (its last value; .min/.max/.count also), summary.z, labels.w. */
export function chosenColumn(field: string): RunColumn | null {
  const match = /^(params|metrics|summary|labels)\.(.+)$/.exec(field.trim());
  if (!match) return null;
  const [, scope, rest] = match as unknown as [string, string, string];
  const aggregate = scope === 'metrics' ? /^(.*)\.(min|max|last|count)$/.exec(rest) : null;
  const name = aggregate ? aggregate[1]! : rest;
  const pick = (run: RunView): unknown => {
    if (scope === 'params') return run.parameters[name];
    if (scope === 'summary') return run.summary[name];
    if (scope === 'labels') return run.labels[name];
    const metric = run.metrics[name];
    return metric ? metric[(aggregate?.[2] ?? 'last') as 'last'] : undefined;
  };
  return { title: field.trim(), sortField: field.trim(), value: (run) => show(pick(run)), width: '130px' };
}

/**
 * The columns the runs table shows before any are typed: the parameters and the
 * metrics most of `runs` have (up to `each` of each), most used first, ties by name.
 */
export function defaultColumnFields(runs: readonly RunView[], each = 3): string[] {
  const mostUsed = (scope: string, keysOf: (run: RunView) => string[]): string[] => {
    const counts = new Map<string, number>();
    for (const run of runs) for (const key of keysOf(run)) counts.set(key, (counts.get(key) ?? 0) + 1);
    return [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, each)
      .map(([key]) => `${scope}.${key}`);
  };
  return [...mostUsed('params', (r) => Object.keys(r.parameters)), ...mostUsed('metrics', (r) => Object.keys(r.metrics))];
}
