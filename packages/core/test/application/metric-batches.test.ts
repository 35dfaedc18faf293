import { describe, expect, it } from 'vitest';
import { AnnotationSession } from '../../src/index.js';
import { metricBatchCommands } from '../../src/application/metric-batch-builder.js';
import { InvalidInputError } from '../../src/errors/store-errors.js';
import { MAX_METRIC_BATCH_POINTS } from '../../src/events/catalogue.js';
import { defaultUpcasters, type RecordedEvent } from '../../src/index.js';
import { MetricStepOrderError, metricPointsOf } from '../../src/index.js';
import { testServices, types } from './run-services-fixture.js';

/** The points a recorded event holds, read as the read side reads it (upcast to its domain form). */
const pointsOf = (e: RecordedEvent) => metricPointsOf(defaultUpcasters.upcast(e));

const T = Date.parse('2026-03-01T09:00:00.000Z');

describe('metricBatchCommands: points in columns → recordMetrics commands', () => {
  it('groups points by name in order of first appearance, keeps call order within a series, and times them by deltas', () => {
    const commands = metricBatchCommands({
      names: ['loss', 'acc', 'loss', 'loss', 'acc'],
      values: [0.9, 0.1, 0.8, 0.7, 0.2],
      steps: [undefined, 0, 1, undefined, 1],
      atMs: [T, T, T + 5, T + 5, T + 7],
    });
    expect(commands).toEqual([
      {
        kind: 'recordMetrics',
        series: [
          { name: 'loss', values: [0.9, 0.8, 0.7], steps: [null, 1, null], at: { start: '2026-03-01T09:00:00.000Z', deltasMs: [0, 5, 0] } },
          { name: 'acc', values: [0.1, 0.2], steps: [0, 1], at: { start: '2026-03-01T09:00:00.000Z', deltasMs: [0, 7] } },
        ],
      },
    ]);
  });

  it('leaves the steps column out of a series none of whose points has a step', () => {
    const [command] = metricBatchCommands({ names: ['loss', 'loss'], values: [1, 2], steps: [undefined, undefined], atMs: [T, T - 3] });
    expect(command!.series).toEqual([{ name: 'loss', values: [1, 2], at: { start: '2026-03-01T09:00:00.000Z', deltasMs: [0, -3] } }]);
  });

  it('splits above the limit into several commands, each a complete batch', () => {
    const names = ['a', 'b', 'a', 'b', 'a'];
    const commands = metricBatchCommands({ names, values: [1, 2, 3, 4, 5], steps: [0, 0, 1, 1, 2], atMs: names.map(() => T) }, 2);
    expect(commands.map((c) => c.series.map((s) => [s.name, s.values]))).toEqual([
      [
        ['a', [1]],
        ['b', [2]],
      ],
      [
        ['a', [3]],
        ['b', [4]],
      ],
      [['a', [5]]],
    ]);
  });

  it('refuses columns of different lengths and a time that is not whole milliseconds, naming the point', () => {
    expect(() => metricBatchCommands({ names: ['a'], values: [], steps: [], atMs: [] })).toThrow(
      /names, values, steps and atMs must have the same length \(1, 0, 0, 0\)/,
    );
    expect(() => metricBatchCommands({ names: ['a', 'a'], values: [1, 2], steps: [undefined, undefined], atMs: [T, 1.5] })).toThrow(InvalidInputError);
    expect(() => metricBatchCommands({ names: ['a', 'a'], values: [1, 2], steps: [undefined, undefined], atMs: [T, Number.NaN] })).toThrow(
      /invalid metric point 1: at: must be a time in whole milliseconds, not NaN/,
    );
  });

  it('gives no command for no points', () => {
    expect(metricBatchCommands({ names: [], values: [], steps: [], atMs: [] })).toEqual([]);
  });
});

function session() {
  const services = testServices();
  return { services, session: new AnnotationSession(services, { cwd: '/p' }) };
}

describe('AnnotationSession.recordMetrics', () => {
  it('writes one MetricsRecorded event per call, with every point as given', async () => {
    const { services, session: s } = session();
    const runId = await s.start();
    await s.recordMetrics([
      { name: 'loss', value: 0.9, step: 0, at: '2026-03-01T09:00:00.000Z' },
      { name: 'acc', value: { top1: 0.5 }, at: '2026-03-01T09:00:00.002Z' },
      { name: 'loss', value: 0.5, step: 1, at: '2026-03-01T09:00:00.004Z' },
    ]);
    const events = await services.events.streamEvents(`run-${runId}`);
    expect(types(events)).toEqual(['RunStarted', 'MetricsRecorded']);
    expect(pointsOf(events[1]!)).toEqual([
      { name: 'loss', value: 0.9, step: 0, at: '2026-03-01T09:00:00.000Z' },
      { name: 'loss', value: 0.5, step: 1, at: '2026-03-01T09:00:00.004Z' },
      { name: 'acc', value: { top1: 0.5 }, step: null, at: '2026-03-01T09:00:00.002Z' },
    ]);
  });

  it('times a point without `at` now (the clock port)', async () => {
    const { services, session: s } = session();
    const runId = await s.start();
    await s.recordMetrics([{ name: 'loss', value: 1 }]);
    const [, batch] = await services.events.streamEvents(`run-${runId}`);
    expect(pointsOf(batch!)).toEqual([{ name: 'loss', value: 1, step: null, at: '2026-02-01T00:00:01.000Z' }]);
  });

  it('splits more than MAX_METRIC_BATCH_POINTS points into several events of ONE append', async () => {
    const { services, session: s } = session();
    const runId = await s.start();
    const n = MAX_METRIC_BATCH_POINTS + 1;
    await s.recordMetrics(Array.from({ length: n }, (_, i) => ({ name: 'loss', value: i, step: i, at: '2026-03-01T09:00:00.000Z' })));
    const events = await services.events.streamEvents(`run-${runId}`);
    expect(types(events)).toEqual(['RunStarted', 'MetricsRecorded', 'MetricsRecorded']);
    expect(services.events.appends.at(-1)).toEqual({ stream: `run-${runId}`, count: 2 });
    expect(events.slice(1).map((e) => pointsOf(e).length)).toEqual([MAX_METRIC_BATCH_POINTS, 1]);
    expect(pointsOf(events[2]!)).toEqual([{ name: 'loss', value: n - 1, step: n - 1, at: '2026-03-01T09:00:00.000Z' }]);
  });

  it('refuses a batch whose steps go back and writes nothing of it', async () => {
    const { services, session: s } = session();
    const runId = await s.start();
    await s.metric('loss', 0.9, 5);
    await expect(
      s.recordMetrics([
        { name: 'loss', value: 0.1, step: 6 },
        { name: 'loss', value: 0.2, step: 4 },
      ]),
    ).rejects.toThrow(MetricStepOrderError);
    expect(types(await services.events.streamEvents(`run-${runId}`))).toEqual(['RunStarted', 'MetricRecorded']);
  });

  it('refuses a bad value or time before a run is started for it', async () => {
    const { services, session: s } = session();
    await expect(s.recordMetrics([{ name: 'loss', value: Number.NaN }])).rejects.toThrow(
      /recordMetrics command for run \(not yet started\): series\.0\.values/,
    );
    await expect(s.recordMetrics([{ name: 'loss', value: 1, at: 'soon' }])).rejects.toThrow(/invalid metric point 0 at/);
    expect(await services.events.allEvents()).toEqual([]);
  });

  it('recordMetricColumns takes the columns as they are', async () => {
    const { services, session: s } = session();
    const runId = await s.start();
    await s.recordMetricColumns({ names: ['loss', 'loss'], values: [2, 1], steps: [0, 1], atMs: [T, T + 1] });
    const [, batch] = await services.events.streamEvents(`run-${runId}`);
    expect(batch!.data).toEqual({ series: [{ name: 'loss', values: [2, 1], steps: [0, 1], at: { start: '2026-03-01T09:00:00.000Z', deltasMs: [0, 1] } }] });
  });
});
