import type { RunComparison, ValueComparison } from '../runs/run-comparison.js';
import { renderTable } from './text-table.js';
import { shortDigest, valueText } from './value-text.js';

const cell = (value: unknown): string => (value === null || value === undefined ? '—' : valueText(value as never));
const digestCell = (value: unknown): string => (typeof value === 'string' ? value.split(', ').map(shortDigest).join(', ') : '—');

/**
 * `ds compare`: parameters, each metric's last / min / max (last only for a
 * summary value read as a metric), the other summary values, labels, and the
 * digest of each input and output path; one column per run, `*` marks a difference.
 */
export function comparisonTable(comparison: RunComparison, idLength: number): string {
  const headers = ['', 'NAME', ...comparison.runs.map((id) => id.slice(0, idLength))];
  const rows: string[][] = [];
  const values = (prefix: string, list: readonly ValueComparison[], show = cell): void => {
    for (const v of list) rows.push([v.differs ? '*' : '', `${prefix}.${v.name}`, ...v.values.map(show)]);
  };
  values('params', comparison.parameters);
  const shownAsMetric = new Set<string>();
  for (const m of comparison.metrics) {
    rows.push([m.differs ? '*' : '', `metrics.${m.name}`, ...m.last.map(cell)]);
    if (m.fromSummary) {
      shownAsMetric.add(m.name);
      continue;
    }
    rows.push(['', `metrics.${m.name}.min`, ...m.min.map(cell)]);
    rows.push(['', `metrics.${m.name}.max`, ...m.max.map(cell)]);
  }
  values('summary', comparison.summary.filter((s) => !shownAsMetric.has(s.name)));
  values('labels', comparison.labels);
  values('inputs', comparison.inputs, digestCell);
  values('outputs', comparison.outputs, digestCell);
  if (rows.length === 0) return 'The runs record no parameters, metrics, summary values, labels, inputs or outputs.';
  return renderTable(headers, rows);
}
