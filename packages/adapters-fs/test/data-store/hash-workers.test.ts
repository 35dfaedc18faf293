import { describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { scratchPerTest, storeIn, writeTree, type TreeSpec } from './data-trees.js';

describe('FsDataStore hashing on worker threads', () => {
  const space = scratchPerTest();

  it('given the same tree, when hashed on workers and in-thread, then the digests are identical', async () => {
    const big = randomBytes(3 * (1 << 20) + 17); // spans several read chunks
    const spec: TreeSpec = { 'big.bin': big, 'empty.txt': '' };
    for (let i = 0; i < 300; i++) spec[`small/${i}.txt`] = `${i}`.repeat(i);
    writeTree(join(space.dir, 'tree'), spec);

    const workers = storeIn(space.dir, { directory: join(space.dir, 'store-workers'), useWorkers: true, workers: 2 });
    const inThread = storeIn(space.dir, { directory: join(space.dir, 'store-thread'), useWorkers: false });
    const a = await workers.capture(join(space.dir, 'tree'));
    const b = await inThread.capture(join(space.dir, 'tree'));
    await workers.close();
    expect(a).toEqual(b);
    expect(workers.stats).toEqual(inThread.stats);

    const file = await workers.capture(join(space.dir, 'tree', 'big.bin'));
    expect(file.digest).toBe(`sha256:${createHash('sha256').update(big).digest('hex')}`);
    await workers.close();
  });
});
