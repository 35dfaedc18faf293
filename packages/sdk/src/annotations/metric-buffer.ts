import type { JsonValue, MetricPointInput } from '@dotscience/core';

/**
 * Metric points waiting to be written, kept as parallel arrays so that adding
 * one allocates nothing per call (no object, promise or closure): the hot path
 * of `metric()`. Points become MetricPointInput objects only when a batch is
 * taken for writing.
 */
export class MetricBuffer {
  private names: string[] = [];
  private values: JsonValue[] = [];
  private steps: Array<number | undefined> = [];
  private times: number[] = [];

  get size(): number {
    return this.names.length;
  }

  /** `atMs`: wall-clock milliseconds when the point was recorded. Returns the new size. */
  push(name: string, value: JsonValue, step: number | undefined, atMs: number): number {
    this.values.push(value);
    this.steps.push(step);
    this.times.push(atMs);
    return this.names.push(name);
  }

  /** Take every buffered point (the buffer is empty afterwards); call `toPoints()` on the result when it is written. */
  take(): MetricBatch {
    const batch = new MetricBatch(this.names, this.values, this.steps, this.times);
    this.names = [];
    this.values = [];
    this.steps = [];
    this.times = [];
    return batch;
  }
}

/** Points taken from the buffer, still in columns until they are written. */
export class MetricBatch {
  constructor(
    private readonly names: readonly string[],
    private readonly values: readonly JsonValue[],
    private readonly steps: ReadonlyArray<number | undefined>,
    private readonly times: readonly number[],
  ) {}

  get size(): number {
    return this.names.length;
  }

  /** The points with ISO-8601 timestamps (points of the same millisecond share one string). */
  toPoints(): MetricPointInput[] {
    const points: MetricPointInput[] = new Array(this.names.length);
    let lastMs = Number.NaN;
    let lastIso = '';
    for (let i = 0; i < points.length; i++) {
      const ms = this.times[i]!;
      if (ms !== lastMs) {
        lastMs = ms;
        lastIso = new Date(ms).toISOString();
      }
      const step = this.steps[i];
      points[i] =
        step === undefined ? { name: this.names[i]!, value: this.values[i]!, at: lastIso } : { name: this.names[i]!, value: this.values[i]!, step, at: lastIso };
    }
    return points;
  }
}
