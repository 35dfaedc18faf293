import type { JsonValue, MetricColumns } from '@dotscience/core';

/**
 * Metric points waiting to be written, kept as parallel arrays so that adding
 * one allocates nothing per call (no object, promise or closure): the hot path
 * of `metric()`. A taken batch hands the arrays over as they are
 * (`AnnotationSession.recordMetricColumns`), so no point ever becomes an object.
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

  /** Take every buffered point (the buffer is empty afterwards). */
  take(): MetricBatch {
    const batch = new MetricBatch({ names: this.names, values: this.values, steps: this.steps, atMs: this.times });
    this.names = [];
    this.values = [];
    this.steps = [];
    this.times = [];
    return batch;
  }
}

/** Points taken from the buffer, in columns as they are written. */
export class MetricBatch {
  constructor(readonly columns: MetricColumns) {}

  get size(): number {
    return this.columns.names.length;
  }
}
