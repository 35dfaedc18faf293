import { parentRunOf, type RunView } from '@dotscience/sdk';
import { renderTable } from './text-table.js';
import { timeText, valueText } from './value-text.js';

const MAX_CELL = 60;

function clip(text: string): string {
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text;
}

function pairs(record: Record<string, unknown>, value: (v: never) => string): string {
  return Object.keys(record)
    .sort()
    .map((k) => `${k}=${value(record[k] as never)}`)
    .join(' ');
}

/** The runs in table order: each run whose parent (its workload's run) is listed comes right after it, marked as its child. */
function nested(runs: readonly RunView[]): Array<{ run: RunView; child: boolean }> {
  const listed = new Set(runs.map((r) => r.runId));
  const children = new Map<string, RunView[]>();
  for (const run of runs) {
    const parent = parentRunOf(run);
    if (parent !== null && listed.has(parent)) children.set(parent, [...(children.get(parent) ?? []), run]);
  }
  const rows: Array<{ run: RunView; child: boolean }> = [];
  for (const run of runs) {
    const parent = parentRunOf(run);
    if (parent !== null && listed.has(parent)) continue;
    rows.push({ run, child: false });
    for (const child of children.get(run.runId) ?? []) rows.push({ run: child, child: true });
  }
  return rows;
}

/**
 * The runs table of `ds runs`: abbreviated id, status, start, parameters, last
 * metric values (numeric summary values included), description. A run listed
 * with the workload it was recorded under sits beneath it, indented with └.
 */
export function runTable(runs: readonly RunView[], idLength: number): string {
  if (runs.length === 0) return 'No runs match.';
  const rows = nested(runs).map(({ run, child }) => [
    `${child ? '└ ' : ''}${run.runId.slice(0, idLength)}`,
    run.status,
    timeText(run.startedAt),
    clip(pairs(run.parameters, valueText)),
    clip(pairs(run.metrics, (m: RunView['metrics'][string]) => valueText(m.last))),
    clip(run.description ?? ''),
  ]);
  return renderTable(['RUN', 'STATUS', 'STARTED', 'PARAMETERS', 'METRICS', 'DESCRIPTION'], rows);
}
