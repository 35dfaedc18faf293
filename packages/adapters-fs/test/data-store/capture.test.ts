import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataPathNotFoundError, type CaptureProgress } from '@dotscience/core';
import { makeManifest, manifestDigest, sha256Digest } from '@dotscience/core/store-kit';
import { SpecialFileError } from '../../src/data-store/index.js';
import { scratchPerTest, storeIn, writeTree } from './data-trees.js';

const sha = (s: string): string => `sha256:${createHash('sha256').update(s).digest('hex')}`;

describe('FsDataStore capture', () => {
  const space = scratchPerTest();

  it('given a file, when captured, then its digest is the sha256 of its bytes', async () => {
    writeFileSync(join(space.dir, 'a.csv'), 'x,y\n1,2\n');
    const ref = await storeIn(space.dir).capture(join(space.dir, 'a.csv'));
    expect(ref).toEqual({ store: 'fs', kind: 'file', digest: sha('x,y\n1,2\n'), bytes: 8, files: 1 });
  });

  it('given a directory, when captured, then its digest is the digest of its Merkle manifest', async () => {
    writeTree(join(space.dir, 'd'), {
      'b.txt': { content: 'bb', mode: 0o600 },
      sub: { dir: true, mode: 0o755 },
      'sub/a.txt': { content: 'a', mode: 0o644 },
      link: { link: 'b.txt' },
    });
    const ref = await storeIn(space.dir).capture(join(space.dir, 'd'));
    const sub = makeManifest([{ name: 'a.txt', type: 'file', mode: 0o644, size: 1, digest: sha('a') }]);
    const root = makeManifest([
      { name: 'b.txt', type: 'file', mode: 0o600, size: 2, digest: sha('bb') },
      { name: 'sub', type: 'directory', mode: 0o755, size: 1, digest: manifestDigest(sub) },
      { name: 'link', type: 'symlink', mode: 0o777, size: 5, digest: sha256Digest('b.txt'), target: 'b.txt' },
    ]);
    expect(ref).toEqual({ store: 'fs', kind: 'directory', digest: manifestDigest(root), bytes: 3, files: 2 });
  });

  it('given identical trees in two places, when captured, then the digests are equal and identical files are stored once', async () => {
    const spec = { 'x/1.txt': 'same', 'x/2.txt': 'same', 'y.txt': 'other' };
    writeTree(join(space.dir, 'one'), spec);
    writeTree(join(space.dir, 'elsewhere/two'), spec);
    const store = storeIn(space.dir);
    const [a, b] = [await store.capture(join(space.dir, 'one')), await store.capture(join(space.dir, 'elsewhere/two'))];
    expect(a.digest).toBe(b.digest);
    // 'same' and 'other' contents, plus two manifests (root and x/).
    const objects = readdirSync(join(space.dir, 'store/objects/sha256'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(objects).toHaveLength(4);
  });

  it('given a symlink pointing out of the tree, when captured, then it is recorded as a link and not followed', async () => {
    writeFileSync(join(space.dir, 'secret.txt'), 'outside the tree');
    writeTree(join(space.dir, 'd'), { escape: { link: '../secret.txt' } });
    const store = storeIn(space.dir);
    const ref = await store.capture(join(space.dir, 'd'));
    expect(ref.files).toBe(0);
    expect(store.stats.bytesRead).toBe(0);
  });

  it('given a FIFO inside the tree, when captured, then a SpecialFileError names it and no version is made', async () => {
    writeTree(join(space.dir, 'd'), { 'ok.txt': 'ok' });
    execFileSync('mkfifo', [join(space.dir, 'd', 'pipe')]);
    const store = storeIn(space.dir);
    const error = await store.capture(join(space.dir, 'd')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpecialFileError);
    expect((error as SpecialFileError).path).toBe(join(space.dir, 'd', 'pipe'));
    expect((error as Error).message).toContain('fifo');
  });

  it('given a missing path, when captured, then DataPathNotFoundError names the path', async () => {
    const error = await storeIn(space.dir)
      .capture(join(space.dir, 'nope'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataPathNotFoundError);
    expect((error as Error).message).toContain(join(space.dir, 'nope'));
  });

  it('given a tree, when captured, then progress counts files and bytes up to the totals', async () => {
    writeTree(join(space.dir, 'd'), { a: 'aaaa', b: 'bb', 'c/d': 'd' });
    const seen: CaptureProgress[] = [];
    await storeIn(space.dir).capture(join(space.dir, 'd'), { onProgress: (p) => seen.push(p) });
    expect(seen.at(-1)).toEqual({ filesDone: 3, filesTotal: 3, bytesDone: 7, bytesTotal: 7 });
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.bytesDone).toBeGreaterThanOrEqual(seen[i - 1]!.bytesDone);
  });

  it('given a capture, when it finishes, then no temp file is left in the store', async () => {
    writeTree(join(space.dir, 'd'), { a: 'a', b: 'b' });
    await storeIn(space.dir).capture(join(space.dir, 'd'));
    expect(readdirSync(join(space.dir, 'store/tmp'))).toEqual([]);
  });

  it('given a symlinked root, when captured, then the tree it points at is captured', async () => {
    writeTree(join(space.dir, 'real'), { a: 'a' });
    writeTree(space.dir, { alias: { link: 'real' } });
    const store = storeIn(space.dir);
    expect((await store.capture(join(space.dir, 'alias'))).digest).toBe((await store.capture(join(space.dir, 'real'))).digest);
  });
});
