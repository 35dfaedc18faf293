import type { RunView } from '@dotscience/core';

/** A value as a compare cell: — where a run has none. */
export const shown = (value: unknown): string => (value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value));

/** Each metric's last, min and max per run (last only for a summary value standing in as a metric), one row each. */
export function metricRows(runs: readonly RunView[]): Array<{ label: string; values: string[] }> {
  const names = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
  return names.flatMap((name) => {
    const of = (run: RunView) => (Object.hasOwn(run.metrics, name) ? run.metrics[name] : undefined);
    const summaryOnly = runs.every((r) => of(r) === undefined || of(r)!.source === 'summary');
    const aggregates = summaryOnly ? (['last'] as const) : (['last', 'min', 'max'] as const);
    return aggregates.map((aggregate) => ({
      label: aggregate === 'last' ? name : `${name}.${aggregate}`,
      values: runs.map((r) => shown(of(r)?.[aggregate] ?? undefined)),
    }));
  });
}
