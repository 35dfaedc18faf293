import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnnotationSession } from '../../src/index.js';
import { builtInProjections, replay, runQuery, type JsonValue, type RunView } from '../../src/index.js';
import { testServices } from '../application/run-services-fixture.js';
import { History, type BatchedPoint } from './history.js';

const T = Date.parse('2026-03-01T09:00:00.000Z');
const names = ['loss', 'acc', 'constructor', '__proto__'];

const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((v) => (v === 0 ? 0 : v));
const value: fc.Arbitrary<JsonValue> = fc.oneof(
  { arbitrary: finite, weight: 5 },
  fc.integer(),
  fc.string({ maxLength: 4 }),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
);

/** Points of one run (steps non-decreasing per series, times anywhere near T) and where to cut them into batches. */
const pointsArbitrary = fc
  .array(
    fc.record({ name: fc.constantFrom(...names), value, step: fc.option(fc.nat({ max: 3 }), { nil: undefined }), dt: fc.integer({ min: -5, max: 2000 }) }),
    { minLength: 1, maxLength: 40 },
  )
  .map((raw) => {
    const steps = new Map<string, number>();
    return raw.map(({ name, value: v, step, dt }): BatchedPoint & { atMs: number } => {
      if (step === undefined) return { name, value: v, atMs: T + dt };
      const s = (steps.get(name) ?? 0) + step; // a step never goes back within its series
      steps.set(name, s);
      return { name, value: v, step: s, atMs: T + dt };
    });
  });
const cutsArbitrary = fc.array(fc.integer({ min: 1, max: 15 }), { minLength: 1, maxLength: 5 });

function batches<T>(points: readonly T[], cuts: readonly number[]): T[][] {
  const out: T[][] = [];
  for (let i = 0, c = 0; i < points.length; c++) {
    const size = cuts[c % cuts.length]!;
    out.push(points.slice(i, i + size));
    i += size;
  }
  return out;
}

/** A run's view without what depends on how many events recorded it (head hash, revision, position, and the test clock's end time). */
function comparable(state: Record<string, RunView>) {
  return Object.fromEntries(Object.entries(state).map(([id, { headHash: _h, lastRevision: _r, lastPosition: _p, endedAt: _e, ...view }]) => [id, view]));
}

async function recorded(points: ReadonlyArray<BatchedPoint & { atMs: number }>, cuts: readonly number[] | undefined) {
  const h = new History();
  await h.start('r');
  if (cuts === undefined) for (const p of points) await h.metric('r', p.name, p.value, p.step, new Date(p.atMs).toISOString());
  else for (const batch of batches(points, cuts)) await h.metrics('r', batch);
  await h.publishRun('r');
  return {
    runs: (await replay(h.store, builtInProjections.runs)).state,
    series: (await replay(h.store, builtInProjections.metricSeries)).state,
  };
}

describe('a run recorded with single MetricRecorded events and the same points as MetricsRecorded batches', () => {
  it('projects to the same runs (last/min/max/count/lastStep) and metric series (values, steps, times)', async () => {
    await fc.assert(
      fc.asyncProperty(pointsArbitrary, cutsArbitrary, async (points, cuts) => {
        const singles = await recorded(points, undefined);
        const batched = await recorded(points, cuts);
        expect(comparable(batched.runs)).toEqual(comparable(singles.runs));
        expect(batched.series).toEqual(singles.series);
        expect(Object.keys(batched.series.r!)).toEqual(Object.keys(singles.series.r!));
        expect(Object.keys(batched.runs.r!.metrics)).toEqual(Object.keys(singles.runs.r!.metrics));
      }),
      { numRuns: 80 },
    );
  });

  it('is selected by the same queries (metrics.x, .min, .max, .last)', async () => {
    const h = new History();
    await h.start('single');
    for (const [i, v] of [0.9, 0.2, 0.5].entries()) await h.metric('single', 'loss', v, i);
    await h.metric('single', 'acc', 0.8);
    await h.start('batched');
    await h.metrics('batched', [
      { name: 'loss', value: 0.9, step: 0 },
      { name: 'loss', value: 0.2, step: 1 },
    ]);
    await h.metrics('batched', [
      { name: 'loss', value: 0.5, step: 2 },
      { name: 'acc', value: 0.8 },
    ]);
    await h.start('other');
    await h.metrics('other', [{ name: 'loss', value: 0.7 }]);
    const runs = Object.values((await replay(h.store, builtInProjections.runs)).state);
    const ids = (query: string) =>
      runQuery(runs, query)
        .map((r) => r.runId)
        .sort();
    expect(ids('metrics.loss = 0.5')).toEqual(['batched', 'single']);
    expect(ids('metrics.loss.min < 0.3 and metrics.loss.max >= 0.9')).toEqual(['batched', 'single']);
    expect(ids('metrics.loss.last > 0.6')).toEqual(['other']);
    expect(ids('metrics.acc IS NULL')).toEqual(['other']);
    expect(runs.find((r) => r.runId === 'batched')!.metrics.loss).toEqual({ last: 0.5, min: 0.2, max: 0.9, count: 3, lastStep: 2 });
  });
});

describe('metrics at publish (model versions) of a run recorded with single points and with batches', () => {
  async function publishedModelMetrics(record: (s: AnnotationSession) => Promise<void>) {
    const services = testServices();
    const s = new AnnotationSession(services, { cwd: '/p' });
    await s.start();
    await record(s);
    await s.model('clf', 'out/clf.bin');
    services.data.write('out/clf.bin', 'weights');
    await s.publish();
    const models = (await replay(services.events, builtInProjections.models)).state;
    return models.clf!.versions[0]!.metrics;
  }

  it('are the same: the last value of every series, summaries winning on a shared name', async () => {
    const points = [
      { name: 'loss', value: 0.9, step: 0 },
      { name: 'acc', value: 0.4, step: 0 },
      { name: 'loss', value: 0.3, step: 1 },
      { name: 'f1', value: 0.1 },
    ];
    const singles = await publishedModelMetrics(async (s) => {
      for (const p of points) await s.metric(p.name, p.value, p.step);
      await s.summary('f1', 0.77);
    });
    const batched = await publishedModelMetrics(async (s) => {
      await s.recordMetrics(points.slice(0, 2));
      await s.recordMetrics(points.slice(2));
      await s.summary('f1', 0.77);
    });
    expect(batched).toEqual(singles);
    expect(batched).toEqual({ loss: 0.3, acc: 0.4, f1: 0.77 });
  });
});
