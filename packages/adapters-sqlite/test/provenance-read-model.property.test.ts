import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { datasetsProjection, lineageOf, modelsProjection, provenanceProjection, resolveLineageNode, type LineageDirection } from '@dotscience/core';
import { InMemoryEventStore } from '@dotscience/core/testing';
import { SqliteRunReadModel } from '../src/index.js';
import { appendProvenance, LINEAGE_REFS, projected, provenanceEvents, provenanceHistoryArbitrary } from './provenance-history.js';

const dir = mkdtempSync(join(tmpdir(), 'ds-provenance-property-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HISTORIES = 100;
const DIRECTIONS: LineageDirection[] = ['upstream', 'downstream', 'both'];

/** An answer or the error's class and message, so both sides are compared either way. */
async function answer<T>(ask: () => T | Promise<T>): Promise<T | { error: string }> {
  try {
    return await ask();
  } catch (error) {
    return { error: `${(error as Error).constructor.name}: ${(error as Error).message}` };
  }
}

describe('the provenance read model answers as the datasets, models and provenance projections', () => {
  let files = 0;
  it(`${HISTORIES} random histories: every dataset, model, lineage node and lineage in each direction`, async () => {
    await fc.assert(
      fc.asyncProperty(provenanceHistoryArbitrary, fc.nat(), async (steps, split) => {
        const events = provenanceEvents(steps);
        const store = new InMemoryEventStore();
        // Caught up in two steps with small batches: entries are read back from the file and evolved further.
        const runs = SqliteRunReadModel.open({ file: join(dir, `h-${files++}.sqlite`), events: store, batchRuns: 1 });
        const model = runs.provenance;
        try {
          const cut = split % (events.length + 1);
          await appendProvenance(store, events.slice(0, cut));
          await model.catchUp();
          await appendProvenance(store, events.slice(cut));
          // The runs caught up first (as `ds runs` would) leave the entries' own checkpoint where it was (D142).
          await runs.catchUp();
          await model.catchUp();

          const datasets = await projected(store, datasetsProjection);
          const models = await projected(store, modelsProjection);
          const { graph } = await projected(store, provenanceProjection);
          expect(await model.datasets()).toEqual(Object.values(datasets.datasets));
          expect(await model.models()).toEqual(Object.values(models));
          for (const name of Object.keys(datasets.datasets)) expect(await model.dataset(name)).toEqual(datasets.datasets[name]);
          for (const name of Object.keys(models)) expect(await model.model(name)).toEqual(models[name]);
          for (const project of ['churn', 'fraud']) {
            const runIds = Object.values(graph.activities).filter((a) => a.projectId === project);
            expect(await model.projectRunIds(project)).toEqual(runIds.map((a) => a.runId));
          }
          for (const ref of LINEAGE_REFS) expect(await answer(() => model.lineageNode(ref)), ref).toEqual(await answer(() => resolveLineageNode(graph, ref)));
          const nodes = [...Object.keys(graph.entities), ...Object.keys(graph.activities), ...Object.keys(graph.agents), 'model:none@1'];
          for (const node of nodes) {
            for (const direction of DIRECTIONS) {
              // Same relations and nodes, and the same key order (what the exporters print in).
              const expected = await answer(() => lineageOf(graph, node, direction));
              const actual = await answer(() => model.lineage(node, direction));
              expect(JSON.stringify(actual), `${node} ${direction}`).toBe(JSON.stringify(expected));
            }
          }
        } finally {
          await runs.close();
        }
      }),
      { numRuns: HISTORIES },
    );
    // 100 histories take ~10 s on a quiet machine and 26 s at load ~10, near the 30 s default.
  }, 600_000);
});
