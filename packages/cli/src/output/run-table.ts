import type { RunView } from '@dotscience/core';
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

/** The runs table of `ds runs`: abbreviated id, status, start, parameters, last metric values, description. */
export function runTable(runs: readonly RunView[], idLength: number): string {
  if (runs.length === 0) return 'No runs match.';
  const rows = runs.map((run) => [
    run.runId.slice(0, idLength),
    run.status,
    timeText(run.startedAt),
    clip(pairs(run.parameters, valueText)),
    clip(pairs(run.metrics, (m: RunView['metrics'][string]) => valueText(m.last))),
    clip(run.description ?? ''),
  ]);
  return renderTable(['RUN', 'STATUS', 'STARTED', 'PARAMETERS', 'METRICS', 'DESCRIPTION'], rows);
}
