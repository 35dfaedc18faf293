import { describe, expect, it } from 'vitest';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VersionRef } from '@dotscience/core';
import { scratchPerTest, settle, storeIn, writeTree, type TreeSpec } from './data-trees.js';

function manyFiles(count: number): TreeSpec {
  const spec: TreeSpec = {};
  for (let i = 0; i < count; i++) spec[`part-${i % 20}/file-${i}.txt`] = `row ${i}\n`;
  return spec;
}

describe('FsDataStore stat cache', () => {
  const space = scratchPerTest();

  /** Write a 2,000-file tree, let it age past the racy window, capture it once (reading every file). */
  async function capturedTree(): Promise<{ tree: string; first: VersionRef }> {
    const tree = join(space.dir, 'tree');
    writeTree(tree, manyFiles(2000));
    await settle();
    const store = storeIn(space.dir);
    const first = await store.capture(tree);
    expect(store.stats.filesRead).toBe(2000);
    return { tree, first };
  }

  it('given an unchanged 2,000-file tree, when re-captured, then no file content is read and the version is the same', async () => {
    const { tree, first } = await capturedTree();
    const again = storeIn(space.dir); // a new process would start with a fresh store object: the cache is on disk
    const second = await again.capture(tree);
    expect(second).toEqual(first);
    expect(again.stats).toEqual({ filesRead: 0, bytesRead: 0, objectsStored: 0 });
  });

  it('given one changed file in a 2,000-file tree, when re-captured, then only that file is read', async () => {
    const { tree, first } = await capturedTree();
    writeFileSync(join(tree, 'part-7/file-7.txt'), 'row 7 corrected\n');
    await settle();

    const again = storeIn(space.dir);
    const second = await again.capture(tree);
    expect(second.digest).not.toBe(first.digest);
    expect(again.stats).toEqual({ filesRead: 1, bytesRead: 'row 7 corrected\n'.length, objectsStored: 1 + 2 });
  });

  it('given a file rewritten with same-length content at once, when re-captured, then the new content is seen', async () => {
    const file = join(space.dir, 'f.txt');
    writeFileSync(file, 'aaaa');
    const store = storeIn(space.dir);
    const first = await store.capture(file);
    writeFileSync(file, 'bbbb'); // same size, possibly the same timestamp tick
    const second = await store.capture(file);
    expect(second.digest).not.toBe(first.digest);
  });

  it('given a lost cache file, when re-captured, then files are read again and the version is unchanged', async () => {
    const tree = join(space.dir, 'tree');
    writeTree(tree, manyFiles(10));
    await settle();
    const first = await storeIn(space.dir).capture(tree);
    rmSync(join(space.dir, 'store', 'stat-cache'), { recursive: true });
    const again = storeIn(space.dir);
    expect(await again.capture(tree)).toEqual(first);
    expect(again.stats.filesRead).toBe(10);
  });
});
