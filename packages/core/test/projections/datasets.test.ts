import { describe, expect, it } from 'vitest';
import { datasetsProjection, replay } from '../../src/index.js';
import { History, twoStagePipeline, versionRef } from './history.js';

const datasetsOf = async (h: History) => (await replay(h.store, datasetsProjection)).state.datasets;

describe('datasets projection', () => {
  it('given the two-stage pipeline, then each version has its ref, producer and consumers', async () => {
    const datasets = await datasetsOf(await twoStagePipeline());
    expect(Object.keys(datasets).sort()).toEqual(['raw', 'test', 'train']);
    expect(datasets.raw!.versions).toEqual([
      expect.objectContaining({ version: 1, ref: versionRef('raw rows'), producedBy: null, consumedBy: ['prep'], path: 'data/raw' }),
    ]);
    expect(datasets.train!.versions).toEqual([expect.objectContaining({ version: 1, producedBy: 'prep', consumedBy: ['train'] })]);
    expect(datasets.test!.versions).toEqual([expect.objectContaining({ version: 1, producedBy: 'prep', consumedBy: [] })]);
  });

  it('when a run declares an input before its version is recorded, then it becomes a consumer once it is', async () => {
    const h = new History();
    await h.start('r1');
    await h.input('r1', 'census', 'v1 rows');
    expect((await datasetsOf(h)).census).toBeUndefined();
    await h.datasetVersion('census', 1, 'v1 rows');
    expect((await datasetsOf(h)).census!.versions[0]!.consumedBy).toEqual(['r1']);
  });

  it('when runs wait for a version, then they consume it in the order they declared it, each once, and wait no more under any name', async () => {
    const h = new History();
    // Run ids that read as array indices would be listed first by a plain object: the order is the declarations'.
    for (const runId of ['b', '10', 'a', '9']) await h.start(runId);
    for (const runId of ['b', '10', 'a', '9', '10']) await h.input(runId, 'census', 'v1 rows');
    await h.datasetVersion('census', 1, 'v1 rows');
    const state = (await replay(h.store, datasetsProjection)).state;
    expect(state.datasets.census!.versions[0]!.consumedBy).toEqual(['b', '10', 'a', '9']);
    expect(state.matching.awaiting).toEqual({});
  });

  it('when inputs read different contents, then each run consumes the version with its content only', async () => {
    const h = new History();
    await h.datasetVersion('census', 1, 'v1 rows');
    await h.datasetVersion('census', 2, 'v2 rows');
    await h.start('old');
    await h.input('old', 'census', 'v1 rows');
    await h.start('new');
    await h.input('new', 'census', 'v2 rows');
    await h.input('new', 'census', 'v2 rows', 'again/census.csv');
    await h.start('other');
    await h.input('other', 'census', 'rows nobody recorded');
    const versions = (await datasetsOf(h)).census!.versions;
    expect(versions.map((v) => [v.version, v.consumedBy])).toEqual([
      [1, ['old']],
      [2, ['new']],
    ]);
  });

  it('given versions recorded out of order, then they are listed by version number', async () => {
    const h = new History();
    await h.datasetVersion('census', 2, 'b');
    await h.datasetVersion('census', 1, 'a');
    expect((await datasetsOf(h)).census!.versions.map((v) => v.version)).toEqual([1, 2]);
  });
});
