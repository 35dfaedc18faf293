import type { RunComparison } from '../runs/run-comparison.js';
import { renderTable } from './text-table.js';
import { valueText } from './value-text.js';

const cell = (value: unknown): string => (value === null || value === undefined ? '—' : valueText(value as never));

/** `ds compare`: parameters, then each metric's last / min / max, one column per run; `*` marks a difference. */
export function comparisonTable(comparison: RunComparison, idLength: number): string {
  const headers = ['', 'NAME', ...comparison.runs.map((id) => id.slice(0, idLength))];
  const rows: string[][] = [];
  for (const p of comparison.parameters) rows.push([p.differs ? '*' : '', `params.${p.name}`, ...p.values.map(cell)]);
  for (const m of comparison.metrics) {
    rows.push([m.differs ? '*' : '', `metrics.${m.name}`, ...m.last.map(cell)]);
    rows.push(['', `metrics.${m.name}.min`, ...m.min.map(cell)]);
    rows.push(['', `metrics.${m.name}.max`, ...m.max.map(cell)]);
  }
  if (rows.length === 0) return 'The runs record no parameters and no metrics.';
  return renderTable(headers, rows);
}
