import { describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NonUtf8NameError } from '../../src/data-store/index.js';
import { describeTree, scratchPerTest, storeIn, writeTree } from './data-trees.js';

/** `dir` + '/' + bytes: a path Node can only name as a Buffer. */
const rawPath = (dir: string, ...parts: Array<string | number[]>): Buffer =>
  Buffer.concat([Buffer.from(`${dir}/`), ...parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p)))]);

describe('FsDataStore capture of names that are not UTF-8', () => {
  const space = scratchPerTest();

  it('given a file named in Latin-1 inside the tree, when captured, then NonUtf8NameError names it with the bad bytes escaped, says what to do, and the store is unchanged', async () => {
    const tree = join(space.dir, 'd');
    writeTree(tree, { 'ok.txt': 'ok', 'sub/fine.txt': 'fine' });
    const store = storeIn(space.dir);
    await store.capture(tree); // the store exists and holds a version: a refusal must not touch it
    const before = describeTree(join(space.dir, 'store'));
    const odd = rawPath(join(tree, 'sub'), 'caf', [0xe9], '-', [0xff], '.csv');
    writeFileSync(odd, 'latin-1 name');

    const error = await store.capture(tree).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(NonUtf8NameError);
    const refusal = error as NonUtf8NameError;
    expect(refusal.path).toBe(`${join(tree, 'sub')}/caf\\xe9-\\xff.csv`);
    expect(Buffer.from(refusal.rawPath).equals(odd)).toBe(true);
    expect(refusal.part).toBe('name');
    expect(refusal.code).toBe('DATA_NAME_NOT_UTF8');
    expect(refusal.message).toContain(refusal.path);
    expect(refusal.message).toMatch(/rename it .* or move it out of the captured tree/);
    expect(describeTree(join(space.dir, 'store'))).toEqual(before);
  });

  it('given a symlink whose target is not UTF-8, when captured, then NonUtf8NameError names the link and shows the target escaped', async () => {
    const tree = join(space.dir, 'd');
    writeTree(tree, { 'ok.txt': 'ok' });
    symlinkSync(rawPath('..', [0xe9], 't'), join(tree, 'link'));

    const error = await storeIn(space.dir)
      .capture(tree)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(NonUtf8NameError);
    expect(error).toMatchObject({ path: join(tree, 'link'), part: 'symlink target', target: '../\\xe9t' });
    expect((error as Error).message).toContain('point the link at a UTF-8 path');
  });

  it('given a captured path that resolves through a symlink to a directory named in Latin-1, when captured, then it is refused naming the resolved path', async () => {
    const target = rawPath(space.dir, 'data-', [0xe9]);
    mkdirSync(target);
    writeFileSync(Buffer.concat([target, Buffer.from('/a.txt')]), 'a');
    symlinkSync(target, join(space.dir, 'alias'));

    const error = await storeIn(space.dir)
      .capture(join(space.dir, 'alias'))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(NonUtf8NameError);
    expect((error as NonUtf8NameError).path).toBe(`${space.dir}/data-\\xe9`);
  });

  it('given a name that really contains U+FFFD (valid UTF-8), when captured and materialized, then it comes back under the same name', async () => {
    const tree = join(space.dir, 'd');
    writeTree(tree, { 'replacement-\uFFFD.txt': 'valid', [`to-\uFFFD`]: { link: 'replacement-\uFFFD.txt' } });
    const store = storeIn(space.dir);

    const ref = await store.capture(tree);
    await store.materialize(ref, join(space.dir, 'back'));

    expect(readdirSync(join(space.dir, 'back')).sort()).toEqual(['replacement-\uFFFD.txt', 'to-\uFFFD']);
    expect(describeTree(join(space.dir, 'back'))).toEqual(describeTree(tree));
  });
});
