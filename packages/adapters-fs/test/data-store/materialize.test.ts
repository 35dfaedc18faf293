import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataVersionNotFoundError, MaterializeTargetExistsError } from '../../src/data-store/index.js';
import { describeTree, scratchPerTest, storeIn, writeTree } from './data-trees.js';

describe('FsDataStore materialize', () => {
  const space = scratchPerTest();

  it('given a tree with modes, empty dirs, symlinks and unicode names, when captured and materialized, then it is restored exactly', async () => {
    writeTree(join(space.dir, 'src'), {
      'run.sh': { content: '#!/bin/sh\necho hi\n', mode: 0o755 },
      'private.key': { content: 'k', mode: 0o600 },
      'données/été.csv': 'a,b\n',
      'données/日本語.txt': '名前',
      'empty/': { dir: true },
      locked: { dir: true, mode: 0o555 },
      'nested/deeper/x.bin': Buffer.from([0, 1, 2, 255]),
      latest: { link: 'données/été.csv' },
      dangling: { link: '../nowhere' },
    });
    const store = storeIn(space.dir);
    const ref = await store.capture(join(space.dir, 'src'));
    await store.materialize(ref, join(space.dir, 'out/restored'));
    expect(describeTree(join(space.dir, 'out/restored'))).toEqual(describeTree(join(space.dir, 'src')));
    expect((await store.capture(join(space.dir, 'out/restored'))).digest).toBe(ref.digest);
  });

  it('given a file version, when materialized, then the bytes are restored as a regular file', async () => {
    writeFileSync(join(space.dir, 'model.bin'), 'weights');
    const store = storeIn(space.dir);
    const ref = await store.capture(join(space.dir, 'model.bin'));
    await store.materialize(ref, join(space.dir, 'copy.bin'));
    expect(readFileSync(join(space.dir, 'copy.bin'), 'utf8')).toBe('weights');
    expect(statSync(join(space.dir, 'copy.bin')).mode & 0o777).toBe(0o644);
  });

  it('given an existing target, when materializing, then MaterializeTargetExistsError and the target is untouched', async () => {
    writeTree(join(space.dir, 'src'), { a: 'new' });
    writeTree(join(space.dir, 'target'), { keep: 'mine' });
    const store = storeIn(space.dir);
    const ref = await store.capture(join(space.dir, 'src'));
    await expect(store.materialize(ref, join(space.dir, 'target'))).rejects.toBeInstanceOf(MaterializeTargetExistsError);
    expect(describeTree(join(space.dir, 'target'))).toEqual([`file 644 keep ${Buffer.from('mine').toString('base64')}`]);
    mkdirSync(join(space.dir, 'empty-target'));
    await expect(store.materialize(ref, join(space.dir, 'empty-target'))).rejects.toBeInstanceOf(MaterializeTargetExistsError);
    expect(readdirSync(join(space.dir, 'empty-target'))).toEqual([]);
  });

  it('given a version with a missing object, when materializing, then DataVersionNotFoundError and nothing is created', async () => {
    writeTree(join(space.dir, 'src'), { a: 'aaa', b: 'bbb' });
    const store = storeIn(space.dir);
    const ref = await store.capture(join(space.dir, 'src'));
    const objects = join(space.dir, 'store/objects/sha256');
    const aHex = '9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0'; // sha256('aaa')
    rmSync(join(objects, aHex.slice(0, 2), aHex.slice(2)));
    await expect(store.materialize(ref, join(space.dir, 'new/parent/out'))).rejects.toBeInstanceOf(DataVersionNotFoundError);
    expect(existsSync(join(space.dir, 'new'))).toBe(false);
    expect(await store.has(ref)).toBe(false);
  });

  it('given an object that fails to copy midway, when materializing, then the half-built tree is removed and the target does not exist', async () => {
    writeTree(join(space.dir, 'src'), { 'a/1.txt': 'one', 'b/2.txt': 'two' });
    const store = storeIn(space.dir);
    const ref = await store.capture(join(space.dir, 'src'));
    const twoHex = '3fc4ccfe745870e2c0d99f71f30ff0656c8dedd41cc1d7d3d376b0dbe685e2f3'; // sha256('two')
    const object = join(space.dir, 'store/objects/sha256', twoHex.slice(0, 2), twoHex.slice(2));
    rmSync(object);
    mkdirSync(object); // present, but not a file: copying it fails after 'a/' is written
    await expect(store.materialize(ref, join(space.dir, 'out'))).rejects.toThrow();
    expect(readdirSync(space.dir).sort()).toEqual(['src', 'store']);
  });

  it('given a captured version, when stat-ed, then kind, bytes and files match the capture', async () => {
    writeTree(join(space.dir, 'src'), { a: 'aaa', 'b/c': 'cc' });
    const store = storeIn(space.dir);
    const ref = await store.capture(join(space.dir, 'src'));
    expect(await store.stat(ref)).toEqual({ kind: 'directory', bytes: 5, files: 2 });
    expect(await store.has(ref)).toBe(true);
    expect(await store.digestOf(ref)).toBe(ref.digest);
  });
});
