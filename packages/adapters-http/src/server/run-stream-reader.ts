import { ChainVerifier, runStream, StreamAudit, type EventStore, type RecordedEvent } from '@dotscience/core';
import type { RunHistoryResponse } from '../wire/wire-schemas.js';

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

/** What the hub keeps of one run's stream: its metric series and its events' hashes, checked link by link. */
export interface RunStreamDigest {
  /** The next revision to read for the series, and for the history (hashing is the costly part: a chart does not wait for it). */
  seriesRevision: number;
  historyRevision: number;
  series: Map<string, GrowingSeries>;
  history: RunHistoryResponse['events'];
  verifier: ChainVerifier;
  /** The gate's rules over the stream (schema, lifecycle: nothing after the seal...). */
  audit: StreamAudit;
  /** The first break of the hash chain or of a rule, once one is found. */
  problem?: string;
}

type Part = 'series' | 'history';

interface MetricEventData {
  name?: string;
  value?: unknown;
  step?: number | null;
  series?: Array<{ name: string; values: unknown[]; steps?: Array<number | null> }>;
}

/**
 * Runs' metric series and event history (hash chain verified), read from each
 * run's stream on first use and kept for the most recently read runs; a later
 * read only reads and checks the events recorded since (a running run's charts
 * stay cheap to refresh, and a 1M-point run is hashed once, not per page view).
 */
export class RunStreamReader {
  private readonly runs = new Map<string, RunStreamDigest>();
  private readonly reading = new Map<string, Promise<RunStreamDigest>>();

  constructor(
    private readonly events: EventStore,
    private readonly keepRuns = 16,
  ) {}

  /** The series `name` of run `runId`, caught up with its stream; undefined when the run recorded no such metric. */
  async series(runId: string, name: string): Promise<GrowingSeries | undefined> {
    return (await this.read(runId, 'series')).series.get(name);
  }

  /** The run stream's events (revision, type, hashes) caught up, with the chain checked. */
  history(runId: string): Promise<Pick<RunStreamDigest, 'history' | 'problem'>> {
    return this.read(runId, 'history');
  }

  private read(runId: string, part: Part): Promise<RunStreamDigest> {
    const key = `${part}\u0000${runId}`;
    let pending = this.reading.get(key);
    if (!pending) {
      pending = this.catchUp(runId, part).finally(() => this.reading.delete(key));
      this.reading.set(key, pending);
    }
    return pending;
  }

  private async catchUp(runId: string, part: Part): Promise<RunStreamDigest> {
    const run: RunStreamDigest = this.runs.get(runId) ?? {
      seriesRevision: 0,
      historyRevision: 0,
      series: new Map<string, GrowingSeries>(),
      history: [],
      verifier: new ChainVerifier(),
      audit: new StreamAudit(),
    };
    this.runs.delete(runId);
    this.runs.set(runId, run);
    if (this.runs.size > this.keepRuns) this.runs.delete(this.runs.keys().next().value!);
    const fromRevision = part === 'series' ? run.seriesRevision : run.historyRevision;
    for await (const event of this.events.readStream(runStream(runId), { fromRevision })) {
      if (part === 'series') {
        addMetricPoints(run.series, event);
        run.seriesRevision = event.revision + 1;
      } else {
        run.problem ??= run.verifier.check(event)?.message ?? run.audit.check(event)?.message;
        run.history.push({
          revision: event.revision,
          position: event.position,
          type: event.type,
          recordedAt: event.recordedAt,
          prevHash: event.prevHash,
          hash: event.hash,
        });
        run.historyRevision = event.revision + 1;
      }
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
