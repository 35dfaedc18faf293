import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

  /** The one cache file (a store's cache of one captured root). */
  const cacheFile = (): string => {
    const dir = join(space.dir, 'store', 'stat-cache');
    const names = readdirSync(dir).filter((n) => n.endsWith('.json'));
    expect(names).toHaveLength(1);
    return join(dir, names[0]!);
  };

  it('given a cache file written as flat pairs (version 3), then it holds every file once with its fingerprint and digest', async () => {
    await capturedTree();
    const saved = JSON.parse(readFileSync(cacheFile(), 'utf8')) as { version: number; entries: string[]; manifests: string[] };
    expect(saved.version).toBe(3);
    expect(saved.entries).toHaveLength(2 * 2000);
    const rels = saved.entries.filter((_, i) => i % 2 === 0);
    expect(new Set(rels).size).toBe(2000);
    expect(rels).toContain('part-7/file-7.txt');
    expect(saved.entries.filter((_, i) => i % 2 === 1).every((e) => /^\d+:\d+:\d+:\d+:\d+ [0-9a-f]{64}$/.test(e))).toBe(true);
    expect(saved.manifests.length % 2).toBe(0);
  });

  it('given a cache file of the version before (objects, version 2), when re-captured, then it is used (no file content read) and saved again as version 3', async () => {
    const { tree, first } = await capturedTree();
    const v3 = JSON.parse(readFileSync(cacheFile(), 'utf8')) as { root: string; entries: string[]; manifests: string[] };
    const asObject = (pairs: string[]) => Object.fromEntries(pairs.flatMap((p, i) => (i % 2 === 0 ? [[p, pairs[i + 1]!]] : [])));
    writeFileSync(cacheFile(), JSON.stringify({ version: 2, root: v3.root, entries: asObject(v3.entries), manifests: asObject(v3.manifests) }));
    const again = storeIn(space.dir);
    expect(await again.capture(tree)).toEqual(first);
    expect(again.stats.filesRead).toBe(0);
    expect((JSON.parse(readFileSync(cacheFile(), 'utf8')) as { version: number }).version).toBe(3);
    const third = storeIn(space.dir);
    expect(await third.capture(tree)).toEqual(first);
    expect(third.stats.filesRead).toBe(0);
  });

  it('given a cache file whose pairs are damaged (a number, an odd tail), when re-captured, then only the damaged entries are read again', async () => {
    const { tree, first } = await capturedTree();
    const saved = JSON.parse(readFileSync(cacheFile(), 'utf8')) as { entries: unknown[] };
    saved.entries[1] = 42; // the first file's entry
    saved.entries.push('part-0/orphan.txt'); // a key without a value
    writeFileSync(cacheFile(), JSON.stringify(saved));
    const again = storeIn(space.dir);
    expect(await again.capture(tree)).toEqual(first);
    expect(again.stats.filesRead).toBe(1);
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
