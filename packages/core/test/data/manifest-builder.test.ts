import { describe, expect, it } from 'vitest';
import { buildVersion } from '../../src/data/manifest-builder.js';
import { makeManifest, manifestDigest, sha256Digest, type Manifest } from '../../src/data/manifest.js';
import { scanTree, type ScannedFile } from '../../src/data/tree-scan.js';
import { dir, file, InMemoryTree, link, type MemoryEntry } from './in-memory-tree.js';

/** Content as a store would read it: here the file's text, hashed. */
const contentOf = (f: ScannedFile<string>) => ({ digest: sha256Digest(f.detail), size: new TextEncoder().encode(f.detail).length });
const build = async (root: MemoryEntry, sealed?: Array<[string, Manifest]>) => {
  const { node } = await scanTree(new InMemoryTree(root), '/mnt');
  return buildVersion(node, sealed ? { contentOf, sealDirectory: (d, m) => (sealed.push([d.rel, m]), manifestDigest(m)) } : { contentOf });
};

describe('building a version from a scanned tree', () => {
  it('given a directory, when built, then its digest is manifestDigest of entries sorted by name, sub-directories by their own manifest and their file bytes', async () => {
    const version = await build(dir({ 'z.txt': file('zz'), 'a.sh': file('run', 0o755), sub: dir({ 'b.bin': file('bbbb') }, 0o700), l: link('sub/b.bin') }));
    const sub = makeManifest([{ name: 'b.bin', type: 'file', mode: 0o644, size: 4, digest: sha256Digest('bbbb') }]);
    const root = makeManifest([
      { name: 'a.sh', type: 'file', mode: 0o755, size: 3, digest: sha256Digest('run') },
      { name: 'l', type: 'symlink', mode: 0o777, size: 9, digest: sha256Digest('sub/b.bin'), target: 'sub/b.bin' },
      { name: 'sub', type: 'directory', mode: 0o700, size: 4, digest: manifestDigest(sub) },
      { name: 'z.txt', type: 'file', mode: 0o644, size: 2, digest: sha256Digest('zz') },
    ]);
    expect(root.entries.map((e) => e.name)).toEqual(['a.sh', 'l', 'sub', 'z.txt']);
    expect(version).toEqual({ kind: 'directory', digest: manifestDigest(root), bytes: 9, files: 3 });
  });

  it('given a symlink whose target has multi-byte characters, when built, then its size is the target length in UTF-8 bytes and it adds nothing to the totals', async () => {
    const version = await build(dir({ l: link('données/€') })); // 8 + 1 + 3 bytes
    const manifest = makeManifest([{ name: 'l', type: 'symlink', mode: 0o777, size: 12, digest: sha256Digest('données/€'), target: 'données/€' }]);
    expect(version).toEqual({ kind: 'directory', digest: manifestDigest(manifest), bytes: 0, files: 0 });
  });

  it('given a file root, when built, then the version is that file: its digest and size, one file', async () => {
    expect(await build(file('abc'))).toEqual({ kind: 'file', digest: sha256Digest('abc'), bytes: 3, files: 1 });
  });

  it('given an empty directory, when built, then its digest is that of the empty manifest', async () => {
    expect(await build(dir({}))).toEqual({ kind: 'directory', digest: manifestDigest(makeManifest([])), bytes: 0, files: 0 });
  });

  it('given a store that keeps manifests, when built, then every directory is sealed once, children before their parent', async () => {
    const sealed: Array<[string, Manifest]> = [];
    await build(dir({ a: dir({ b: dir({}) }), c: dir({ 'f.txt': file('f') }) }), sealed);
    const order = sealed.map(([rel]) => rel);
    expect([...order].sort()).toEqual(['', 'a', 'a/b', 'c']);
    expect(order.indexOf('a/b')).toBeLessThan(order.indexOf('a'));
    expect(order.at(-1)).toBe('');
  });

  it('given content read with another size than scanned (the file grew), when built, then the manifest records the bytes read', async () => {
    const { node } = await scanTree(new InMemoryTree(dir({ 'log.txt': file('ab') })), '/mnt');
    const version = await buildVersion(node, { contentOf: () => ({ digest: sha256Digest('abcd'), size: 4 }) });
    expect(version).toEqual({
      kind: 'directory',
      digest: manifestDigest(makeManifest([{ name: 'log.txt', type: 'file', mode: 0o644, size: 4, digest: sha256Digest('abcd') }])),
      bytes: 4,
      files: 1,
    });
  });
});
