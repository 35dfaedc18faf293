import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors/store-errors.js';
import { MAX_METRIC_BATCH_POINTS } from '../../src/events/catalogue.js';
import { MetricStepOrderError, RunAlreadyPublishedError, RunNotStartedError, evolveRunAll, initialRunState } from '../../src/index.js';
import { metricsAtPublish } from '../../src/run/run-state.js';
import { TEST_RUN_ID, given } from '../../src/testing/given-when-then.js';
import { T0, metric, metricBatch, published, recordMetricBatch, started } from './run-fixtures.js';

describe('a batch of metric points (MetricsRecorded) follows the rules of single points', () => {
  it('given a started run, when a batch is recorded, then one MetricsRecorded event holds it and the series head is its last point', () => {
    const state = given(started)
      .when(recordMetricBatch('loss', [0.9, 0.5, 0.4], [0, 1, 2]))
      .then([metricBatch('loss', [0.9, 0.5, 0.4], [0, 1, 2])]);
    expect(state.metrics.get('loss')).toEqual({ last: 0.4, lastStep: 2 });
    expect(state.eventCount).toBe(2);
  });

  it('given no start, when a batch is recorded, then RunNotStartedError names the run', () => {
    given()
      .when(recordMetricBatch('loss', [1]))
      .thenThrows(RunNotStartedError, /run test-run: cannot recordMetrics before the run is started/);
  });

  it('given a published run, when a batch is recorded, then RunAlreadyPublishedError', () => {
    given(started, published)
      .when(recordMetricBatch('loss', [1]))
      .thenThrows(RunAlreadyPublishedError, /cannot recordMetrics after the run was published/);
  });

  it('given a batch whose steps go back within a series, then MetricStepOrderError names the run, the series and the point index', () => {
    const error = given(started)
      .when(recordMetricBatch('loss', [0.9, 0.8, 0.7, 0.6], [1, 3, 3, 2]))
      .thenThrows(MetricStepOrderError, /run test-run: metric "loss" is at step 3; step 2 \(point 3 of the series in the batch\) would go back/);
    expect(error).toMatchObject({ code: 'METRIC_STEP_OUT_OF_ORDER', runId: TEST_RUN_ID, metric: 'loss', lastStep: 3, attemptedStep: 2, pointIndex: 3 });
  });

  it('given a series at step 5, when a batch starts below it, then it is refused at point 0', () => {
    const error = given(started, metric('loss', 0.9, 5))
      .when(recordMetricBatch('loss', [0.8, 0.7], [4, 6]))
      .thenThrows(MetricStepOrderError, /at step 5; step 4 \(point 0/);
    expect(error.pointIndex).toBe(0);
  });

  it('given a series at step 5 from an earlier batch, when a single point goes below it, then it is refused', () => {
    given(started, metricBatch('loss', [0.9, 0.8], [4, 5]))
      .when({ kind: 'recordMetric', name: 'loss', value: 0.1, step: 3, at: T0 })
      .thenThrows(MetricStepOrderError, /at step 5; step 3/);
  });

  it('given points without a step in a batch, then they do not reset the series’ step (as single points do not)', () => {
    const state = given(started)
      .when(recordMetricBatch('loss', [0.9, 0.8, 0.7], [5, null, 6]))
      .then([metricBatch('loss', [0.9, 0.8, 0.7], [5, null, 6])]);
    expect(state.metrics.get('loss')).toEqual({ last: 0.7, lastStep: 6 });
    given(started)
      .when(recordMetricBatch('loss', [0.9, 0.8, 0.7], [5, null, 4]))
      .thenThrows(MetricStepOrderError, /at step 5; step 4 \(point 2/);
    const noSteps = given(started, metric('loss', 0.9, 7))
      .when(recordMetricBatch('loss', [0.1, 0.2]))
      .then([metricBatch('loss', [0.1, 0.2])]);
    expect(noSteps.metrics.get('loss')).toEqual({ last: 0.2, lastStep: 7 });
  });

  it('given two series in a batch, then each keeps its own step order', () => {
    const command = {
      kind: 'recordMetrics' as const,
      series: [
        { name: 'loss', values: [0.9, 0.8], steps: [10, 11], at: { start: T0, deltasMs: [0, 0] } },
        { name: 'acc', values: [0.1, 0.2], steps: [0, 1], at: { start: T0, deltasMs: [0, 3] } },
      ],
    };
    const { kind: _kind, ...data } = command;
    const state = given(started)
      .when(command)
      .then([{ type: 'MetricsRecorded', data }]);
    expect([...state.metrics]).toEqual([
      ['loss', { last: 0.8, lastStep: 11 }],
      ['acc', { last: 0.2, lastStep: 1 }],
    ]);
  });

  it('given a batch, then metrics at publish are its last values, as with single points', () => {
    const singles = given(started, metric('loss', 0.9, 0), metric('loss', 0.3, 1), metric('acc', 0.5)).state;
    const batched = given(started, metricBatch('loss', [0.9, 0.3], [0, 1]), metricBatch('acc', [0.5])).state;
    expect(metricsAtPublish(batched)).toEqual(metricsAtPublish(singles));
    expect(metricsAtPublish(batched)).toEqual({ loss: 0.3, acc: 0.5 });
  });

  it('given JSON values, then they are accepted as single points accept them; infinite numbers are refused naming the field', () => {
    const command = {
      kind: 'recordMetrics' as const,
      series: [
        {
          name: 'cm',
          values: [
            [
              [1, 0],
              [0, 1],
            ],
            'n/a',
            null,
          ],
          at: { start: T0, deltasMs: [0, 0, 0] },
        },
      ],
    };
    const { kind: _kind, ...data } = command;
    given(started)
      .when(command)
      .then([{ type: 'MetricsRecorded', data }]);
    given(started)
      .when({ kind: 'recordMetrics', series: [{ name: 'loss', values: [1, Number.POSITIVE_INFINITY], at: { start: T0, deltasMs: [0, 0] } }] })
      .thenThrows(InvalidInputError, /recordMetrics command for run test-run: series\.0\.values/);
  });

  it('given columns of different lengths, a name twice, a bad step or time, or too many points, then InvalidInputError names the field and nothing is decided', () => {
    const at = (n: number) => ({ start: T0, deltasMs: new Array<number>(n).fill(0) });
    const refuse = (series: unknown, message: RegExp) =>
      given(started)
        .when({ kind: 'recordMetrics', series } as never)
        .thenThrows(InvalidInputError, message);
    refuse([{ name: 'loss', values: [1, 2], steps: [0], at: at(2) }], /series\.0\.steps: must have one entry per value \(2\), not 1/);
    refuse([{ name: 'loss', values: [1, 2], at: at(3) }], /series\.0\.at\.deltasMs: must have one entry per value \(2\), not 3/);
    refuse(
      [
        { name: 'loss', values: [1], at: at(1) },
        { name: 'loss', values: [2], at: at(1) },
      ],
      /series\.1\.name: series "loss" appears twice/,
    );
    refuse([{ name: 'loss', values: [1], steps: [-1], at: at(1) }], /series\.0\.steps\.0/);
    refuse([{ name: 'loss', values: [1], steps: [1.5], at: at(1) }], /series\.0\.steps\.0/);
    refuse([{ name: 'loss', values: [1], at: { start: 'yesterday', deltasMs: [0] } }], /series\.0\.at\.start: must be an ISO-8601/);
    refuse([{ name: 'loss', values: [1, 2], at: { start: T0, deltasMs: [0, 1e15] } }], /series\.0\.at\.deltasMs\.1: puts the point outside years 0000–9999/);
    refuse([{ name: 'loss', values: [], at: at(0) }], /series\.0\.values: must hold at least one point/);
    refuse([], /series: must hold at least one series/);
    refuse([{ name: '', values: [1], at: at(1) }], /series\.0\.name: must not be empty/);
    const n = MAX_METRIC_BATCH_POINTS + 1;
    refuse(
      [{ name: 'loss', values: new Array<number>(n).fill(1), at: at(n) }],
      new RegExp(`series: holds ${n} points; at most ${MAX_METRIC_BATCH_POINTS} per event`),
    );
  });

  it('given the events, then evolving a batch equals evolving the same points one by one', () => {
    const singles = evolveRunAll(initialRunState(TEST_RUN_ID), [
      started,
      metric('loss', 0.9, 1),
      metric('loss', 0.8),
      metric('acc', 0.1, 0),
      metric('loss', 0.7, 2),
    ]);
    const batched = evolveRunAll(initialRunState(TEST_RUN_ID), [started, metricBatch('loss', [0.9, 0.8, 0.7], [1, null, 2]), metricBatch('acc', [0.1], [0])]);
    expect(batched.metrics).toEqual(singles.metrics);
  });
});
