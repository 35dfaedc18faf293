import { z } from 'zod';
import { JsonValueSchema, TimestampSchema } from './json.js';

/**
 * MetricsRecorded's columns and the rules across them (one entry per value in
 * every column, one series per name, a bound on points, times within years
 * 0000–9999): part of the event catalogue (catalogue.ts re-exports it).
 */

const name = z.string().min(1, 'must not be empty').max(1024);

/** The most points one MetricsRecorded event holds; writers split larger batches into several events. */
export const MAX_METRIC_BATCH_POINTS = 100_000;

/** Earliest and latest instants an ISO timestamp of TimestampSchema (4-digit year) can name. */
const EARLIEST_MS = Date.parse('0000-01-01T00:00:00.000Z');
const LATEST_MS = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * One metric series within a MetricsRecorded batch, in columns: point `i` has
 * `values[i]`, `steps[i]` (null or absent column: no step) and the time
 * `at.start` plus `at.deltasMs[0] + … + at.deltasMs[i]` (each delta is from the
 * point before; the first from `start`). Columns of plain numbers keep canonical
 * JSON and the hash cheap, and a point costs a few bytes, not an object.
 */
export const MetricSeriesColumnsSchema = z.object({
  name,
  /** All finite numbers (the fast case), or any JSON values as MetricRecorded allows. */
  values: z.union([z.array(z.number()), z.array(JsonValueSchema)]).refine((v) => v.length > 0, 'must hold at least one point'),
  steps: z.array(z.number().int().nonnegative().nullable()).optional(),
  at: z.object({ start: TimestampSchema, deltasMs: z.array(z.number().int()) }),
});
export type MetricSeriesColumns = z.infer<typeof MetricSeriesColumnsSchema>;

/** MetricsRecorded's fields without the rules across them (for schemas that extend it, such as the run command). */
export const MetricsRecordedFieldsSchema = z.object({ series: z.array(MetricSeriesColumnsSchema).min(1, 'must hold at least one series') });

export interface MetricBatchIssue {
  path: Array<string | number>;
  message: string;
}

/**
 * The rules across columns and series that the shape cannot say: one entry per
 * value in every column, one series per name, at most MAX_METRIC_BATCH_POINTS
 * points, every point's time within years 0000–9999. Empty when the batch keeps them.
 */
export function metricBatchIssues(data: z.infer<typeof MetricsRecordedFieldsSchema>): MetricBatchIssue[] {
  const issues: MetricBatchIssue[] = [];
  const names = new Set<string>();
  let points = 0;
  data.series.forEach((s, i) => {
    const n = s.values.length;
    points += n;
    if (names.has(s.name)) issues.push({ path: ['series', i, 'name'], message: `series "${s.name}" appears twice — one series per name in a batch` });
    names.add(s.name);
    if (s.steps !== undefined && s.steps.length !== n)
      issues.push({ path: ['series', i, 'steps'], message: `must have one entry per value (${n}), not ${s.steps.length}` });
    if (s.at.deltasMs.length !== n)
      issues.push({ path: ['series', i, 'at', 'deltasMs'], message: `must have one entry per value (${n}), not ${s.at.deltasMs.length}` });
    let ms = Date.parse(s.at.start);
    for (let p = 0; p < s.at.deltasMs.length; p++) {
      ms += s.at.deltasMs[p]!;
      if (ms < EARLIEST_MS || ms > LATEST_MS) {
        issues.push({ path: ['series', i, 'at', 'deltasMs', p], message: 'puts the point outside years 0000–9999' });
        break;
      }
    }
  });
  if (points > MAX_METRIC_BATCH_POINTS)
    issues.push({ path: ['series'], message: `holds ${points} points; at most ${MAX_METRIC_BATCH_POINTS} per event — split the batch` });
  return issues;
}

/** metricBatchIssues as a zod refinement (for MetricsRecordedFieldsSchema and schemas extending it). */
export function checkMetricBatch(data: z.infer<typeof MetricsRecordedFieldsSchema>, ctx: z.RefinementCtx): void {
  for (const issue of metricBatchIssues(data)) ctx.addIssue({ code: 'custom', ...issue });
}
