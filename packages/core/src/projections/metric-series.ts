import type { JsonValue } from '../events/json.js';
import { forEachSeriesPoint } from '../run/metric-batch-points.js';
import { categoryOf, idOf } from '../events/streams.js';
import { ownEntry, putEntry } from './own-keys.js';
import { defineProjection } from './projection.js';

export interface MetricPoint {
  value: JsonValue;
  /** The step the script gave, or null. */
  step: number | null;
  /** When the script recorded it. */
  at: string;
}

/** runId → metric name → points in the order they were recorded (append-only). */
export type MetricSeriesState = Record<string, Record<string, MetricPoint[]>>;

/** Built-in `metricSeries`: every point of every metric of every run. */
export const metricSeriesProjection = defineProjection<MetricSeriesState>({
  name: 'metricSeries',
  version: 2,
  initial: {},
  handlers: {
    MetricRecorded: (state, e) => {
      if (categoryOf(e.stream) !== 'run') return state;
      const runId = idOf(e.stream);
      const run = ownEntry(state, runId) ?? putEntry(state, runId, {});
      const series = ownEntry(run, e.data.name) ?? putEntry(run, e.data.name, []);
      series.push({ value: e.data.value, step: e.data.step ?? null, at: e.data.at });
      return state;
    },
    MetricsRecorded: (state, e) => {
      if (categoryOf(e.stream) !== 'run') return state;
      const runId = idOf(e.stream);
      const run = ownEntry(state, runId) ?? putEntry(state, runId, {});
      for (const columns of e.data.series) {
        const series = ownEntry(run, columns.name) ?? putEntry(run, columns.name, []);
        forEachSeriesPoint(columns, (value, step, at) => series.push({ value, step, at }));
      }
      return state;
    },
  },
});
