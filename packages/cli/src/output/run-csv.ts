import type { JsonValue, RunView } from '@dotscience/sdk';

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. */
function field(value: JsonValue | undefined): string {
  const text = value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * `ds runs --csv`: one row per run — id, status, times, description, then every
 * parameter (`params.<name>`), metric's last value (`metrics.<name>`) and tag
 * (`tags.<name>`) any of the runs has, in name order; empty where a run has none.
 */
export function runsCsv(runs: readonly RunView[]): string {
  const names = (pick: (run: RunView) => Record<string, unknown>): string[] => [...new Set(runs.flatMap((r) => Object.keys(pick(r))))].sort();
  const params = names((r) => r.parameters);
  const metrics = names((r) => r.metrics);
  const tags = names((r) => r.tags ?? {});
  const header = ['run_id', 'status', 'started_at', 'ended_at', 'description', ...params.map((n) => `params.${n}`), ...metrics.map((n) => `metrics.${n}`), ...tags.map((n) => `tags.${n}`)];
  const rows = runs.map((r) => [
    r.runId,
    r.status,
    r.startedAt,
    r.endedAt,
    r.description,
    ...params.map((n) => (Object.hasOwn(r.parameters, n) ? r.parameters[n] : undefined)),
    ...metrics.map((n) => (Object.hasOwn(r.metrics, n) ? r.metrics[n]!.last : undefined)),
    ...tags.map((n) => (r.tags && Object.hasOwn(r.tags, n) ? r.tags[n] : undefined)),
  ]);
  return [header.map(field), ...rows.map((row) => row.map(field))].map((cells) => cells.join(',')).join('\r\n') + '\r\n';
}
