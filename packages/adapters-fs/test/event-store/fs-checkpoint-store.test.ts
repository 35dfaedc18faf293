import { readdir, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidInputError } from '@dotscience/core';
import { FsCheckpointStore, checkpointFileName } from '../../src/checkpoint/index.js';
import { tempStoreDir } from './fixtures.js';

describe('FsCheckpointStore', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let store: FsCheckpointStore;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempStoreDir());
    store = new FsCheckpointStore(`${dir}/checkpoints`);
  });
  afterEach(() => cleanup());

  it('given no checkpoint, then load gives undefined', async () => {
    expect(await store.load('runs')).toBeUndefined();
  });

  it('given a saved checkpoint, when saved again, then load gives the latest, as a fresh object, and no temp file is left', async () => {
    await store.save({ name: 'runs', version: 1, position: 4, state: { a: 1 } });
    await store.save({ name: 'runs', version: 2, position: 9, state: { a: [1, 2] } });
    expect(await new FsCheckpointStore(`${dir}/checkpoints`).load('runs')).toEqual({ name: 'runs', version: 2, position: 9, state: { a: [1, 2] } });
    expect(await readdir(`${dir}/checkpoints`)).toEqual([checkpointFileName('runs')]);
  });

  it('given a checkpoint with the hash of its event, when loaded, then the hash comes back; a malformed hash is refused', async () => {
    const hash = 'ab'.repeat(32);
    await store.save({ name: 'runs', version: 1, position: 4, hash, state: {} });
    expect(await new FsCheckpointStore(`${dir}/checkpoints`).load('runs')).toEqual({ name: 'runs', version: 1, position: 4, hash, state: {} });
    await expect(store.save({ name: 'runs', version: 1, position: 5, hash: 'xyz', state: {} })).rejects.toThrow(/hash/);
    expect((await store.load('runs'))?.position).toBe(4);
  });

  it('given names with path separators, dots, case and unicode, then each has its own safe file inside the directory', async () => {
    const names = ['../etc/passwd', 'a/b', '..', 'Runs', 'runs', 'métriques ✓', 'x'.repeat(300)];
    for (const [i, name] of names.entries()) await store.save({ name, version: 1, position: i, state: null });
    for (const [i, name] of names.entries()) expect((await store.load(name))?.position).toBe(i);
    const files = await readdir(`${dir}/checkpoints`);
    expect(files).toHaveLength(names.length);
    for (const f of files) expect(f).toMatch(/^[A-Za-z0-9_%-]{0,96}\.[0-9a-f]{12}\.checkpoint\.json$/);
  });

  it('given a damaged checkpoint file, then load gives undefined so the projection rebuilds from the log', async () => {
    await store.save({ name: 'runs', version: 1, position: 4, state: {} });
    await writeFile(store.fileOf('runs'), '{"name":"runs","vers');
    expect(await store.load('runs')).toBeUndefined();
  });

  it('given an invalid checkpoint, when saved, then InvalidInputError naming the field and nothing is written', async () => {
    await expect(store.save({ name: '', version: 1, position: -5, state: {} })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(store.save({ name: 'runs', version: 1.5, position: 0, state: {} })).rejects.toThrow(/version/);
    expect(await store.load('runs')).toBeUndefined();
  });
});
