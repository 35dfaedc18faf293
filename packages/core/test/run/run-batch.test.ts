import { describe, expect, it } from 'vitest';
import { MetricStepOrderError, decideRunBatch, evolveRun, evolveRunAll, initialRunState } from '../../src/index.js';
import { TEST_RUN_ID } from '../../src/testing/given-when-then.js';
import { T0, metric, started } from './run-fixtures.js';

const running = evolveRun(initialRunState(TEST_RUN_ID), started);

describe('deciding a batch of commands (group commit)', () => {
  it('each command is decided against the events of the ones before it', () => {
    const { events, state } = decideRunBatch(running, [
      { kind: 'recordMetric', name: 'loss', value: 0.9, step: 1, at: T0 },
      { kind: 'recordParameter', name: 'lr', value: 0.1 },
      { kind: 'recordParameter', name: 'lr', value: 0.1 },
      { kind: 'recordMetric', name: 'loss', value: 0.8, step: 2, at: T0 },
    ]);
    expect(events).toEqual([metric('loss', 0.9, 1), { type: 'ParameterRecorded', data: { name: 'lr', value: 0.1 } }, metric('loss', 0.8, 2)]);
    expect(state.metrics.get('loss')).toEqual({ last: 0.8, lastStep: 2 });
    expect(state.eventCount).toBe(4);
  });

  it('a refused command refuses the whole batch and leaves the state untouched', () => {
    expect(() =>
      decideRunBatch(running, [
        { kind: 'recordMetric', name: 'loss', value: 0.9, step: 3, at: T0 },
        { kind: 'recordMetric', name: 'loss', value: 0.8, step: 2, at: T0 },
      ]),
    ).toThrow(MetricStepOrderError);
    expect(running.metrics.size).toBe(0);
    expect(running.eventCount).toBe(1);
  });

  it('replaying the decided events gives the batch’s state', () => {
    const commands = Array.from({ length: 100 }, (_, i) => ({ kind: 'recordMetric' as const, name: `m${i % 7}`, value: i, step: i, at: T0 }));
    const { events, state } = decideRunBatch(running, commands);
    const replayed = evolveRunAll(running, events);
    expect([...replayed.metrics]).toEqual([...state.metrics]);
    expect(replayed.eventCount).toBe(101);
  });
});
