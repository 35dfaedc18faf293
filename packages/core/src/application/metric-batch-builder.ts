import { InvalidInputError } from '../errors/store-errors.js';
import { MAX_METRIC_BATCH_POINTS, type MetricSeriesColumns } from '../events/catalogue.js';
import type { JsonValue } from '../events/json.js';
import type { RunCommandOf } from '../run/run-commands.js';

/**
 * Metric points as parallel columns (what the SDK's metric buffer holds): point
 * `i` is `names[i]`, `values[i]`, `steps[i]` (undefined: no step) at `atMs[i]`
 * (milliseconds since the epoch). All four have the same length.
 */
export interface MetricColumns {
  readonly names: readonly string[];
  readonly values: readonly JsonValue[];
  readonly steps: ReadonlyArray<number | undefined>;
  readonly atMs: readonly number[];
}

/** Largest |ms| a Date can hold. */
const MAX_DATE_MS = 8.64e15;

/** One series being filled: columns grow point by point; steps exist once a point has one. */
class SeriesBuilder {
  readonly values: JsonValue[] = [];
  steps: Array<number | null> | undefined;
  readonly deltasMs: number[] = [];
  private readonly startMs: number;
  private lastMs: number;

  constructor(
    readonly name: string,
    atMs: number,
  ) {
    this.startMs = atMs;
    this.lastMs = atMs;
  }

  add(value: JsonValue, step: number | undefined, atMs: number): void {
    if (step !== undefined) {
      if (this.steps === undefined) this.steps = new Array<number | null>(this.values.length).fill(null);
      this.steps.push(step);
    } else if (this.steps !== undefined) {
      this.steps.push(null);
    }
    this.values.push(value);
    this.deltasMs.push(atMs - this.lastMs);
    this.lastMs = atMs;
  }

  columns(): MetricSeriesColumns {
    const at = { start: new Date(this.startMs).toISOString(), deltasMs: this.deltasMs };
    return this.steps === undefined ? { name: this.name, values: this.values, at } : { name: this.name, values: this.values, steps: this.steps, at };
  }
}

/**
 * Group metric points into `recordMetrics` commands — one MetricsRecorded event
 * each: per command one series per name (in the order names first appear) with
 * the points in call order, and at most `limit` points, so a larger batch is
 * split into several events. No object is built per point. Values, names and
 * steps are checked when the commands are parsed; a time that is not a whole
 * number of milliseconds a Date can hold is refused here, naming the point.
 */
export function metricBatchCommands(columns: MetricColumns, limit = MAX_METRIC_BATCH_POINTS): Array<RunCommandOf<'recordMetrics'>> {
  const { names, values, steps, atMs } = columns;
  if (values.length !== names.length || steps.length !== names.length || atMs.length !== names.length) {
    throw new InvalidInputError('metric columns', [
      {
        path: '(root)',
        message: `names, values, steps and atMs must have the same length (${names.length}, ${values.length}, ${steps.length}, ${atMs.length})`,
      },
    ]);
  }
  const commands: Array<RunCommandOf<'recordMetrics'>> = [];
  let open = new Map<string, SeriesBuilder>();
  let points = 0;
  let lastName: string | undefined;
  let last: SeriesBuilder | undefined;
  const close = () => {
    if (points === 0) return;
    commands.push({ kind: 'recordMetrics', series: Array.from(open.values(), (s) => s.columns()) });
    open = new Map();
    points = 0;
    lastName = undefined;
    last = undefined;
  };
  for (let i = 0; i < names.length; i++) {
    const ms = atMs[i]!;
    if (!Number.isSafeInteger(ms) || Math.abs(ms) > MAX_DATE_MS) {
      throw new InvalidInputError(`metric point ${i}`, [{ path: 'at', message: `must be a time in whole milliseconds, not ${String(ms)}` }]);
    }
    if (points === limit) close();
    const name = names[i]!;
    let series = name === lastName ? last : open.get(name);
    if (series === undefined) {
      series = new SeriesBuilder(name, ms);
      open.set(name, series);
    }
    series.add(values[i]!, steps[i], ms);
    lastName = name;
    last = series;
    points++;
  }
  close();
  return commands;
}
