import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { datasetsProjection, modelsProjection, replay, type VersionNumbering } from '../../src/index.js';
import { History, versionRef } from './history.js';

/** A history whose version events say who numbered them (D104). */
class NumberedHistory extends History {
  dataset(version: number, content: string, producedBy: string, numbering: VersionNumbering) {
    const ref = versionRef(content);
    return this.emit('dataset-preds', 'DatasetVersionCreated', { name: 'preds', version, ref, bytes: ref.bytes, files: 1, producedBy, numbering });
  }
  model(version: number, content: string, producedBy: string, numbering: VersionNumbering) {
    return this.emit('model-clf', 'ModelVersionCreated', { name: 'clf', version, ref: versionRef(content, 'directory'), producedBy, metrics: {}, numbering });
  }
}

const numbers = (versions: readonly { version: number; producedBy: string | null; numbering: string }[]) =>
  versions.map((v) => `${v.producedBy}@${v.version}:${v.numbering}`);

describe('version numbers settled by the hub (D104)', () => {
  it('given A’s local version 1, when the hub’s versions arrive (B’s as 1, A’s copy as 2), then A’s version is settled as 2 and no version is listed twice', async () => {
    const h = new NumberedHistory();
    const local = await h.dataset(1, 'a-preds', 'run-a', { by: 'local' });
    await h.dataset(1, 'b-preds', 'run-b', { by: 'hub', settles: randomUUID() });
    await h.dataset(2, 'a-preds', 'run-a', { by: 'hub', settles: local.id });
    const { state } = await replay(h.store, datasetsProjection);
    expect(numbers(state.datasets.preds!.versions)).toEqual(['run-b@1:hub', 'run-a@2:hub']);
  });

  it('given A’s local version 1 and the hub’s version 1 of B’s run, then the settled 1 is listed before the provisional claim', async () => {
    const h = new NumberedHistory();
    await h.dataset(1, 'a-preds', 'run-a', { by: 'local' });
    await h.dataset(1, 'b-preds', 'run-b', { by: 'hub' });
    const { state } = await replay(h.store, datasetsProjection);
    expect(numbers(state.datasets.preds!.versions)).toEqual(['run-b@1:hub', 'run-a@1:local']);
  });

  it('given the hub’s order, when two stores hold the same versions recorded in different orders, then the models they list are equal but for store-local fields', async () => {
    const hub = new NumberedHistory();
    await hub.model(1, 'b', 'run-b', { by: 'hub', settles: randomUUID() });
    await hub.model(2, 'a', 'run-a', { by: 'hub', settles: randomUUID() });
    const a = new NumberedHistory();
    await a.model(1, 'a', 'run-a', { by: 'local' });
    await a.model(1, 'b', 'run-b', { by: 'hub', settles: randomUUID() });
    await a.model(2, 'a', 'run-a', { by: 'hub', settles: randomUUID() });
    const listed = async (h: History) => (await replay(h.store, modelsProjection)).state.clf!.versions.map(({ createdAt: _c, position: _p, ...v }) => v);
    expect(await listed(a)).toEqual(await listed(hub));
  });

  it('given a version recorded before numbering was recorded, then its number stands as recorded', async () => {
    const h = new History();
    await h.datasetVersion('preds', 4, 'old', 'run-x');
    const { state } = await replay(h.store, datasetsProjection);
    expect(numbers(state.datasets.preds!.versions)).toEqual(['run-x@4:recorded']);
  });
});
