/**
 * The run lifecycle's pure core: decide (rules) and evolve (state) per event.
 * Run: `node packages/core/bench/core-bench-run.mjs run-lifecycle`.
 * No target in the issues; the hot path it bounds is `ds.metric()` (issue 9: `ds.metric()` × 1M).
 */
import { decideRun, decideRunBatch, evolveRun, evolveRunAll, initialRunState, type RunState } from '../src/index.js';
import { metricCommands, startCommand } from './run-history.js';
import { machineLine, measure, timed } from './measurement.js';

const BENCH = 'core: run lifecycle';
const metrics = metricCommands(100_000);
const started = (): RunState => evolveRun(initialRunState('r1'), decideRun(initialRunState('r1'), startCommand(1))[0]!);

console.log(machineLine());
await measure(BENCH, 'decideRunBatch: 100k metric commands in one batch', 'events/s', () => timed(() => decideRunBatch(started(), metrics).events.length), {
  warmups: 2,
  runs: 9,
});
await measure(
  BENCH,
  'decideRun + evolveRun one command at a time (20k metrics)',
  'events/s',
  () =>
    timed(() => {
      let state = started();
      let n = 0;
      for (const command of metrics.slice(0, 20_000)) {
        for (const event of decideRun(state, command)) {
          state = evolveRun(state, event);
          n++;
        }
      }
      return n;
    }),
  { warmups: 2, runs: 9 },
);
const events = decideRunBatch(started(), metrics).events;
await measure(BENCH, 'evolveRunAll: rebuild a run state from 100k events', 'events/s', () => timed(() => evolveRunAll(started(), events).eventCount), {
  warmups: 2,
  runs: 9,
});
