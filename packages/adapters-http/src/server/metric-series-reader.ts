import { runStream, type EventStore, type RecordedEvent } from '@dotscience/core';

/** One metric's numeric points in recording order; x is the step, or the point's index when it has none. */
export class GrowingSeries {
  x: Float64Array<ArrayBuffer> = new Float64Array(1024);
  y: Float64Array<ArrayBuffer> = new Float64Array(1024);
  length = 0;
  /** Points recorded so far, numeric or not (the x of a point without a step). */
  recorded = 0;

  add(value: unknown, step: number | null | undefined): void {
    const index = this.recorded++;
    if (typeof value !== 'number' || !Number.isFinite(value)) return;
    if (this.length === this.x.length) {
      const grow = (a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.x = grow(this.x);
      this.y = grow(this.y);
    }
    this.x[this.length] = step ?? index;
    this.y[this.length] = value;
    this.length++;
  }
}

interface RunSeries {
  nextRevision: number;
  series: Map<string, GrowingSeries>;
}

interface MetricEventData {
  name?: string;
  value?: unknown;
  step?: number | null;
  series?: Array<{ name: string; values: unknown[]; steps?: Array<number | null> }>;
}

/**
 * The metric series of runs, read from each run's stream on first use and kept
 * for the most recently read runs; a later read only reads the events recorded
 * since (a running run's charts stay cheap to refresh).
 */
export class MetricSeriesReader {
  private readonly runs = new Map<string, RunSeries>();
  private readonly reading = new Map<string, Promise<RunSeries>>();

  constructor(
    private readonly events: EventStore,
    private readonly keepRuns = 16,
  ) {}

  /** The series `name` of run `runId`, caught up with its stream; undefined when the run recorded no such metric. */
  async series(runId: string, name: string): Promise<GrowingSeries | undefined> {
    let pending = this.reading.get(runId);
    if (!pending) {
      pending = this.catchUp(runId).finally(() => this.reading.delete(runId));
      this.reading.set(runId, pending);
    }
    return (await pending).series.get(name);
  }

  private async catchUp(runId: string): Promise<RunSeries> {
    const run = this.runs.get(runId) ?? { nextRevision: 0, series: new Map<string, GrowingSeries>() };
    this.runs.delete(runId);
    this.runs.set(runId, run);
    if (this.runs.size > this.keepRuns) this.runs.delete(this.runs.keys().next().value!);
    for await (const event of this.events.readStream(runStream(runId), { fromRevision: run.nextRevision })) {
      addMetricPoints(run.series, event);
      run.nextRevision = event.revision + 1;
    }
    return run;
  }
}

function seriesOf(all: Map<string, GrowingSeries>, name: string): GrowingSeries {
  let series = all.get(name);
  if (!series) all.set(name, (series = new GrowingSeries()));
  return series;
}

/** Add the points of a MetricRecorded or MetricsRecorded event (columns read directly: no per-point objects or time strings). */
function addMetricPoints(all: Map<string, GrowingSeries>, event: RecordedEvent): void {
  const data = event.data as MetricEventData;
  if (event.type === 'MetricRecorded' && typeof data.name === 'string') {
    seriesOf(all, data.name).add(data.value, data.step);
  } else if (event.type === 'MetricsRecorded' && Array.isArray(data.series)) {
    for (const columns of data.series) {
      const series = seriesOf(all, columns.name);
      const { values, steps } = columns;
      for (let i = 0; i < values.length; i++) series.add(values[i], steps?.[i]);
    }
  }
}
