import type { RunComparison, ValueComparison } from '../runs/run-comparison.js';
import { renderTable } from './text-table.js';
import { shortDigest, valueText } from './value-text.js';

const cell = (value: unknown): string => (value === null || value === undefined ? '—' : valueText(value as never));
const digestCell = (value: unknown): string => (typeof value === 'string' ? value.split(', ').map(shortDigest).join(', ') : '—');

/**
 * `ds compare`: parameters, each metric's last / min / max (last only for a
 * summary value read as a metric), the other summary values, labels, and the
 * digest of each input and output path, the code version and tags; one column
 * per run, `*` marks a difference (and `highlight`, on a terminal, colours its row).
 */
export function comparisonTable(comparison: RunComparison, idLength: number, highlight = false): string {
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
  values(
    'summary',
    comparison.summary.filter((s) => !shownAsMetric.has(s.name)),
  );
  values('labels', comparison.labels);
  values('inputs', comparison.inputs, digestCell);
  values('outputs', comparison.outputs, digestCell);
  values('code', comparison.code, (v) =>
    typeof v === 'string' && v.startsWith('sha256:') ? shortDigest(v) : typeof v === 'string' && /^[0-9a-f]{40}$/.test(v) ? v.slice(0, 12) : cell(v),
  );
  values('tags', comparison.tags);
  if (rows.length === 0) return 'The runs record no parameters, metrics, summary values, labels, inputs or outputs.';
  const table = renderTable(headers, rows);
  if (!highlight) return table;
  // Colour after the layout, so escape codes do not count in the column widths: the header, then one line per row.
  return table
    .split('\n')
    .map((line, i) => (i > 0 && rows[i - 1]?.[0] === '*' ? `\u001b[1;33m${line}\u001b[0m` : line))
    .join('\n');
}
