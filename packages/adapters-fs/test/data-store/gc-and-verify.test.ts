import { describe, expect, it } from 'vitest';
import { chmodSync, rmSync, openSync, readSync, writeSync, closeSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataVersionNotFoundError } from '../../src/data-store/index.js';
import { scratchPerTest, settle, storeIn, writeTree } from './data-trees.js';

function objectNames(dir: string): string[] {
  const root = join(dir, 'store/objects/sha256');
  return readdirSync(root)
    .flatMap((p) => readdirSync(join(root, p)).map((rest) => p + rest))
    .sort();
}

describe('FsDataStore gc and verify', () => {
  const space = scratchPerTest();

  it('given two versions, when gc keeps one, then exactly the objects only the other reached are removed', async () => {
    writeTree(join(space.dir, 'v1'), { 'shared.txt': 'shared', 'old.txt': 'old', 'sub/s.txt': 's' });
    writeTree(join(space.dir, 'v2'), { 'shared.txt': 'shared', 'new.txt': 'new!' });
    const store = storeIn(space.dir);
    const v1 = await store.capture(join(space.dir, 'v1'));
    const afterV1 = objectNames(space.dir);
    const v2 = await store.capture(join(space.dir, 'v2'));
    const v2Only = objectNames(space.dir).filter((h) => !afterV1.includes(h));

    const result = await store.gc([v1]);
    expect(objectNames(space.dir)).toEqual(afterV1);
    expect(result).toMatchObject({ objectsRemoved: v2Only.length, objectsKept: afterV1.length });
    expect(result.bytesFreed).toBeGreaterThan('new!'.length);
    expect(await store.has(v1)).toBe(true);
    expect(await store.has(v2)).toBe(false);
  });

  it('given a referenced version whose manifest is missing, when gc runs, then it refuses and deletes nothing', async () => {
    writeTree(join(space.dir, 'v'), { 'a.txt': 'aaa' });
    writeTree(join(space.dir, 'w'), { 'b.txt': 'bbb' });
    const store = storeIn(space.dir);
    const v = await store.capture(join(space.dir, 'v'));
    const w = await store.capture(join(space.dir, 'w'));
    const manifestHex = w.digest!.slice('sha256:'.length);
    rmSync(join(space.dir, 'store/objects/sha256', manifestHex.slice(0, 2), manifestHex.slice(2)));
    const before = objectNames(space.dir);
    await expect(store.gc([v, w])).rejects.toBeInstanceOf(DataVersionNotFoundError);
    expect(objectNames(space.dir)).toEqual(before);
  });

  it('given objects removed by gc, when their files are captured again, then the stat cache does not point at them', async () => {
    writeTree(join(space.dir, 'v'), { 'a.txt': 'aaa' });
    await settle();
    const store = storeIn(space.dir);
    const ref = await store.capture(join(space.dir, 'v'));
    await store.gc([]);
    expect(objectNames(space.dir)).toEqual([]);
    expect(await store.capture(join(space.dir, 'v'))).toEqual(ref);
    expect(await store.has(ref)).toBe(true);
  });

  it('given a flipped byte in an object, when verified, then that object is reported by digest and path', async () => {
    writeTree(join(space.dir, 'v'), { 'a.txt': 'abcdefgh', 'b.txt': 'untouched' });
    const store = storeIn(space.dir);
    await store.capture(join(space.dir, 'v'));
    expect((await store.verify()).corrupt).toEqual([]);

    const hex = '9c56cc51b374c3ba189210d5b6d4bf57790d351c96c47c02190ecf1e430635ab'; // sha256('abcdefgh')
    const path = join(space.dir, 'store/objects/sha256', hex.slice(0, 2), hex.slice(2));
    chmodSync(path, 0o644); // objects are stored read-only
    const fd = openSync(path, 'r+');
    const byte = Buffer.alloc(1);
    readSync(fd, byte, 0, 1, 4);
    writeSync(fd, Buffer.from([byte[0]! ^ 0x01]), 0, 1, 4);
    closeSync(fd);

    const result = await store.verify();
    expect(result.objectsChecked).toBe(3);
    expect(result.corrupt).toHaveLength(1);
    expect(result.corrupt[0]).toMatchObject({ digest: `sha256:${hex}`, path });
  });
});
