import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ProjectedProvenanceReadModel, ProjectedRunReadModel, type JsonValue, type ReadModelCatchUp } from '@dotscience/core';
import { InMemoryEventStore } from '@dotscience/core/testing';
import { ProjectReadModel } from '../src/server/project-read-model.js';

const RUN_ID = '01900000-7000-7000-8000-000000000000';

const started = {
  runId: RUN_ID,
  projectId: 'p',
  mode: 'script',
  workload: { script: 'train.py' },
  codeVersion: {},
  environment: { runtime: 'node', os: 'linux', host: 'h', user: 'ada' },
  startedAt: '2026-01-01T00:00:00.000Z',
};
const modelVersion = (version: number) => ({
  name: 'churn',
  version,
  ref: { store: 'fs', digest: `sha256:${version.toString(16).padStart(64, '0')}`, kind: 'file', bytes: 1, files: 1 },
  producedBy: RUN_ID,
  metrics: {},
});

async function append(store: InMemoryEventStore, stream: string, type: string, data: object): Promise<void> {
  await store.append(stream, [{ id: randomUUID(), type, schemaVersion: 1, data: data as JsonValue, meta: {} }]);
}

/** The projected read models over `store`, with how many times each was caught up. */
function countedModels(store: InMemoryEventStore) {
  const runs = new ProjectedRunReadModel(store);
  const provenance = new ProjectedProvenanceReadModel(store);
  const caughtUp = { runs: 0, provenance: 0 };
  const counted = <M extends { catchUp(): Promise<ReadModelCatchUp> }>(model: M, name: keyof typeof caughtUp): M => {
    const catchUp = model.catchUp.bind(model);
    model.catchUp = () => (caughtUp[name]++, catchUp());
    return model;
  };
  return { models: { runs: counted(runs, 'runs'), provenance: counted(provenance, 'provenance') }, caughtUp };
}

describe("a project's read side on the hub, each read model caught up by its own reads (D142)", () => {
  it('given a run and a model version, when the runs are read, then the provenance read model is not caught up; a lineage read catches it up', async () => {
    const store = new InMemoryEventStore();
    await append(store, `run-${RUN_ID}`, 'RunStarted', started);
    await append(store, 'model-churn', 'ModelVersionCreated', modelVersion(1));
    const { models, caughtUp } = countedModels(store);
    const project = new ProjectReadModel(models);

    const { runs } = await project.current('runs');

    expect((await runs.run(RUN_ID))?.runId).toBe(RUN_ID);
    expect(caughtUp).toEqual({ runs: 1, provenance: 0 });

    await append(store, 'model-churn', 'ModelVersionCreated', modelVersion(2));
    const { provenance } = await project.current('provenance');

    expect((await provenance.model('churn'))?.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(caughtUp).toEqual({ runs: 1, provenance: 1 });
    await project.current();
    expect(caughtUp).toEqual({ runs: 2, provenance: 2 });
  });

  it('given an event both read models refuse, when each is read in turn, then it is counted once in skipped', async () => {
    const store = new InMemoryEventStore();
    await append(store, `run-${RUN_ID}`, 'RunStarted', { ...started, startedAt: 'not a time' });
    const alone = countedModels(store).models;
    expect((await alone.runs.catchUp()).skipped).toHaveLength(1);
    expect((await alone.provenance.catchUp()).skipped).toHaveLength(1);
    const project = new ProjectReadModel(countedModels(store).models);

    await project.current('runs');
    await project.current('provenance');

    expect(project.skipped.count).toBe(1);
    expect(project.skipped.events).toMatchObject([{ stream: `run-${RUN_ID}`, revision: 0, type: 'RunStarted' }]);
  });
});
