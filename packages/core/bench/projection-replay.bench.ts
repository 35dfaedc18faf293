/**
 * Rebuilding the built-in projections from 1M recorded events held in memory
 * (no store): upcast + handler per event, as `replay` and the runner do.
 * Run: `node packages/core/bench/core-bench-run.mjs projection-replay [events]`.
 * Issue 9 lists "replay/projection rebuild of 1M events"; the store's own replay
 * target (≥ 500k events/s) is measured by the adapters-fs event-store bench.
 */
import { builtInProjections, eventApplier, initialStateOf, type Projection } from '../src/index.js';
import { recordedHistory } from './run-history.js';
import { machineLine, measure, timed } from './measurement.js';

const BENCH = 'core: projection replay (in memory)';
const total = Number(process.argv[2] ?? 1_000_000);

console.log(machineLine());
const t = performance.now();
const log = recordedHistory(total);
console.log(`history: ${log.length.toLocaleString('en-US')} events (${Math.round(performance.now() - t)} ms to decide and seal)`);

for (const [name, projection] of Object.entries(builtInProjections) as Array<[string, Projection<unknown>]>) {
  await measure(
    BENCH,
    `rebuild ${name} from ${log.length.toLocaleString('en-US')} events`,
    'events/s',
    () =>
      timed(() => {
        const apply = eventApplier(projection);
        let state = initialStateOf(projection);
        for (const e of log) state = apply(state, e);
        return log.length;
      }),
    { key: `projection.${name}` },
  );
}
await measure(
  BENCH,
  `rebuild all ${Object.keys(builtInProjections).length} built-ins in one pass`,
  'events/s',
  () =>
    timed(() => {
      const all = Object.values(builtInProjections) as Array<Projection<unknown>>;
      const appliers = all.map((p) => eventApplier(p));
      const states = all.map((p) => initialStateOf(p));
      for (const e of log) for (let k = 0; k < appliers.length; k++) states[k] = appliers[k]!(states[k], e);
      return log.length;
    }),
  { key: 'projection.all-built-ins' },
);
