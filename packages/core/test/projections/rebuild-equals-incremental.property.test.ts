import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProjectionRunner, builtInProjections, replay, type Projection } from '../../src/index.js';
import { InMemoryCheckpointStore } from '../../src/testing/index.js';
import { History } from './history.js';
import { actionArbitrary, planHistory } from './random-history.js';

const projections = Object.values(builtInProjections) as Array<Projection<unknown>>;

/** Feed the steps live, a chunk per runner generation: start (load checkpoint) → append chunk → stop (checkpoint). */
async function incrementally(h: History, steps: ReturnType<typeof planHistory>, chunkSizes: number[], checkpointEvery: number) {
  const checkpoints = new InMemoryCheckpointStore();
  let next = 0;
  let chunk = 0;
  let live: Array<ProjectionRunner<unknown>>;
  do {
    live = projections.map((p) => new ProjectionRunner(h.store, checkpoints, p, { checkpointEvery }));
    for (const runner of live) await runner.start();
    const size = chunkSizes[chunk++ % chunkSizes.length]!;
    for (const step of steps.slice(next, next + size)) await step(h);
    next += size;
    let head = -1;
    for await (const e of h.store.readAll()) head = e.position;
    for (const runner of live) {
      await runner.waitForPosition(head);
      await runner.stop();
    }
  } while (next < steps.length);
  const liveStates = live.map((r) => r.state);
  const resumed = projections.map((p) => new ProjectionRunner(h.store, checkpoints, p));
  const resumedStates: unknown[] = [];
  for (const runner of resumed) {
    const report = await runner.catchUp();
    expect(report).toMatchObject({ origin: 'checkpoint', events: 0 });
    resumedStates.push(runner.state);
  }
  return { liveStates, resumedStates };
}

describe('every built-in projection', () => {
  it('rebuilt from position 0 equals its incrementally maintained state (live, in chunks, through checkpoints)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(actionArbitrary, { minLength: 1, maxLength: 60 }),
        fc.array(fc.integer({ min: 1, max: 15 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 7 }),
        async (actions, chunkSizes, checkpointEvery) => {
          const h = new History();
          const steps = planHistory(actions);
          const { liveStates, resumedStates } = await incrementally(h, steps, chunkSizes, checkpointEvery);
          for (const [i, projection] of projections.entries()) {
            const rebuilt = (await replay(h.store, projection)).state;
            expect(liveStates[i], projection.name).toEqual(rebuilt);
            expect(resumedStates[i], projection.name).toEqual(rebuilt);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('the generated histories exercise every built-in (not vacuous)', async () => {
    const sample = fc.sample(fc.array(actionArbitrary, { minLength: 40, maxLength: 60 }), { numRuns: 5, seed: 42 });
    const h = new History();
    for (const step of sample.flatMap((actions) => planHistory(actions))) await step(h);
    const { runs, datasets, models, provenance, metricSeries } = builtInProjections;
    const runsState = (await replay(h.store, runs)).state;
    expect(Object.values(runsState).map((r) => r.status)).toEqual(expect.arrayContaining(['running', 'published', 'errored']));
    expect(Object.values((await replay(h.store, datasets)).state.datasets).some((d) => d.versions.some((v) => v.consumedBy.length > 0))).toBe(true);
    expect(Object.keys((await replay(h.store, models)).state).length).toBeGreaterThan(0);
    expect(Object.keys((await replay(h.store, provenance)).state.graph.wasDerivedFrom).length).toBeGreaterThan(0);
    expect(Object.keys((await replay(h.store, metricSeries)).state).length).toBeGreaterThan(0);
    const types = new Set<string>();
    for await (const e of h.store.readAll()) types.add(e.type);
    expect([...types]).toEqual(expect.arrayContaining(['MetricRecorded', 'MetricsRecorded']));
  });
});
