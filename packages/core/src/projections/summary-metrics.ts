import type { JsonValue } from '../events/json.js';
import { ownEntry, putEntry } from './own-keys.js';
import { isWorkloadRun } from './run-family.js';
import type { MetricAggregate, RunView } from './run-view.js';

/** The summary entry in which a workload's own run (`ds run`) records its command's exit code. */
export const WORKLOAD_EXIT_CODE_SUMMARY = 'exitCode';

const NUMERIC = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** A number, or a string that spells one ("3", " 0.5", "1e-3"); otherwise undefined. */
export function asNumber(value: JsonValue): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && NUMERIC.test(value)) {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/**
 * Summary values as metrics (docs/decisions.md, "Summary values are metrics
 * where no series exists"): the original Python library's `ds.summary()` /
 * metric values arrive as summary entries holding strings ("0.93"). A summary
 * value that is a number or a numeric string is the run's metric of that name,
 * one point (last = min = max, count 1, source 'summary'), unless the run
 * records a series of that name, which always wins. `summary.x` keeps the
 * value as recorded.
 */
export function applySummaryAsMetric(metrics: Record<string, MetricAggregate>, name: string, value: JsonValue): void {
  const existing = ownEntry(metrics, name);
  if (existing !== undefined && existing.source !== 'summary') return;
  const n = asNumber(value);
  if (n !== undefined) putEntry(metrics, name, { last: n, min: n, max: n, count: 1, lastStep: null, source: 'summary' });
  else if (existing !== undefined) delete metrics[name];
}

/**
 * Whether a summary value of the run may stand in as a metric: every one but
 * the exit code a workload's own run records — that is the command's exit
 * status, not a figure of the user's, and would otherwise fill the METRICS
 * column of every workload row. It stays in the summary (`ds show`,
 * `summary.exitCode`). A run of the user's may still call a figure exitCode.
 */
export function summaryIsMetric(run: RunView, name: string): boolean {
  return !(name === WORKLOAD_EXIT_CODE_SUMMARY && isWorkloadRun(run));
}

/** The aggregate a series of `name` continues from: a summary's stand-in is replaced by the first recorded point. */
export function seriesSoFar(metrics: Record<string, MetricAggregate>, name: string): MetricAggregate | undefined {
  const existing = ownEntry(metrics, name);
  return existing?.source === 'summary' ? undefined : existing;
}
