import type { DomainEvent, MetricSeriesColumns } from '../events/catalogue.js';
import type { JsonValue } from '../events/json.js';

/** One metric point as a reader sees it, whichever event recorded it. */
export interface RecordedMetricPoint {
  name: string;
  value: JsonValue;
  /** The step the script gave, or null. */
  step: number | null;
  /** When the script recorded it (ISO-8601 UTC with milliseconds). */
  at: string;
}

/**
 * Visit the points of one series of a MetricsRecorded batch in order, with each
 * point's time as an ISO string (points of the same millisecond share one string).
 */
export function forEachSeriesPoint(series: MetricSeriesColumns, visit: (value: JsonValue, step: number | null, at: string) => void): void {
  const { values, steps, at } = series;
  const startMs = Date.parse(at.start);
  let ms = startMs;
  let lastMs = startMs;
  let iso = at.start;
  for (let i = 0; i < values.length; i++) {
    ms += at.deltasMs[i]!;
    if (ms !== lastMs) {
      lastMs = ms;
      iso = new Date(ms).toISOString();
    }
    visit(values[i]!, steps?.[i] ?? null, iso);
  }
}

/** The step a series ends at: its last point's non-null step, else `previous`. */
export function lastStepOf(series: MetricSeriesColumns, previous: number | null): number | null {
  const { steps } = series;
  if (steps === undefined) return previous;
  for (let i = steps.length - 1; i >= 0; i--) if (steps[i] !== null) return steps[i]!;
  return previous;
}

/** The metric points an event records: one for MetricRecorded, every point of a MetricsRecorded batch (series by series), none otherwise. */
export function metricPointsOf(event: Pick<DomainEvent, 'type' | 'data'>): RecordedMetricPoint[] {
  const e = event as DomainEvent;
  if (e.type === 'MetricRecorded') return [{ name: e.data.name, value: e.data.value, step: e.data.step ?? null, at: e.data.at }];
  if (e.type !== 'MetricsRecorded') return [];
  const points: RecordedMetricPoint[] = [];
  for (const series of e.data.series) forEachSeriesPoint(series, (value, step, at) => points.push({ name: series.name, value, step, at }));
  return points;
}
