import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DataTree } from '../data-workspace.js';
import type { DataContractSubject } from './contract-subject.js';
import { hexSha256, VARIED_TREE } from './expected-version.js';

/** The DataStore contract, part: What a capture records: equal content gives equal digests, any difference a new one, links by their target text. */

export function contentIdentityContract(s: DataContractSubject): void {
  describe('content identity', () => {
    it('given identical trees in two different places, when captured, then the digests are equal', async () => {
      await s.ws.write('first/data', VARIED_TREE);
      await s.ws.write('elsewhere/deeper/other-name', VARIED_TREE);
      expect(await s.digestOf('first/data')).toBe(await s.digestOf('elsewhere/deeper/other-name'));
    });

    it('given identical files under different names, when captured, then the digests are equal', async () => {
      await s.ws.writeFile('a.csv', 'id\n1\n');
      await s.ws.writeFile('sub/b.txt', 'id\n1\n', 0o755);
      expect(await s.digestOf('a.csv')).toBe(await s.digestOf('sub/b.txt'));
    });

    it('given a file, when captured, then its digest is sha256: and the sha256 of its bytes, and bytes/files describe it', async () => {
      const bytes = randomBytes(70_001);
      await s.ws.writeFile('model.bin', bytes);
      const ref = await s.capture('model.bin');
      expect(await s.store.digestOf(ref)).toBe(`sha256:${hexSha256(bytes)}`);
      expect(ref).toMatchObject({ kind: 'file', bytes: 70_001, files: 1 });
    });

    it('given a directory, when captured, then its digest is manifestDigest of its manifest, bytes count file bytes and files count regular files', async () => {
      await s.ws.write('data', VARIED_TREE);
      const ref = await s.capture('data');
      await s.expectVersion(ref, 'data');
      expect(ref.files).toBe(8);
      // Symlink targets and directories add nothing to `bytes`.
      expect(ref.bytes).toBe(
        ['x,y\n1,2\n3,4\n', '#!/bin/sh\nexit 0\n', 'not for others', 'keep', 'spaces in the name', 'unicode in the names'].reduce(
          (s, t) => s + Buffer.byteLength(t),
          256,
        ),
      );
    });

    it('given trees that differ in one content, name, mode, empty directory or link target, when captured, then every digest differs', async () => {
      const base: DataTree = { 'a.txt': 'alpha', 'run.sh': { bytes: 'go', mode: 0o644 }, 'sub/b.txt': 'beta', link: { link: 'a.txt' } };
      const { 'sub/b.txt': _renamed, ...withoutB } = base;
      const variants: DataTree[] = [
        base,
        { ...base, 'sub/b.txt': 'betA' },
        { ...withoutB, 'sub/c.txt': 'beta' },
        { ...base, 'run.sh': { bytes: 'go', mode: 0o755 } },
        { ...base, 'sub/empty': { dir: true } },
        { ...base, link: { link: 'sub/b.txt' } },
        { ...base, 'a.txt': { link: 'alpha' } },
      ];
      const digests: string[] = [];
      for (const [i, variant] of variants.entries()) {
        await s.ws.write(`v${i}`, variant);
        const ref = await s.capture(`v${i}`);
        await s.expectVersion(ref, `v${i}`);
        digests.push(await s.store.digestOf(ref));
      }
      expect(new Set(digests).size).toBe(variants.length);
    });

    it('given a captured tree, when one byte of a nested file changes (same size, mtime put back), then the file and the tree get new digests', async () => {
      const big = randomBytes(100_000);
      await s.ws.write('data', { 'keep.txt': 'unchanged', 'deep/inner/big.bin': big });
      const before = { tree: await s.digestOf('data'), file: await s.digestOf('data/deep/inner/big.bin') };
      const path = s.ws.path('data/deep/inner/big.bin');
      const { atime, mtime } = await fsp.stat(path);
      const changed = Buffer.from(big);
      changed[50_000] = changed[50_000]! ^ 0x01;
      const handle = await fsp.open(path, 'r+');
      await handle.write(changed, 50_000, 1, 50_000);
      await handle.close();
      await fsp.utimes(path, atime, mtime);

      const after = { tree: await s.capture('data'), file: await s.capture('data/deep/inner/big.bin') };
      expect(await s.store.digestOf(after.file)).toBe(`sha256:${hexSha256(changed)}`);
      expect(await s.store.digestOf(after.file)).not.toBe(before.file);
      expect(await s.store.digestOf(after.tree)).not.toBe(before.tree);
      await s.expectVersion(after.tree, 'data');
    });

    it('given an unchanged tree, when captured again, then the digest is the same', async () => {
      await s.ws.write('data', VARIED_TREE);
      expect(await s.digestOf('data')).toBe(await s.digestOf('data'));
    });
  });
}

export function symlinksContract(s: DataContractSubject): void {
  describe('symlinks', () => {
    it('given symlinks pointing outside the tree, when captured, then they are recorded as links with their target text and never followed', async () => {
      await s.ws.write('outside', { 'secret.txt': 'outside the tree', 'big/a.bin': randomBytes(1000) });
      await s.ws.write('data', { 'to-file': { link: '../outside/secret.txt' }, 'to-dir': { link: s.ws.path('outside/big') } });
      const ref = await s.capture('data');
      await s.expectVersion(ref, 'data');
      expect(ref).toMatchObject({ bytes: 0, files: 0 });

      await s.ws.writeFile('outside/secret.txt', 'changed outside the tree');
      expect(await s.digestOf('data')).toBe(await s.store.digestOf(ref));

      await s.store.materialize(ref, s.ws.path('restored'));
      expect(await s.ws.describe('restored')).toEqual([
        { path: 'to-dir', type: 'symlink', target: s.ws.path('outside/big') },
        { path: 'to-file', type: 'symlink', target: '../outside/secret.txt' },
      ]);
    });
  });
}
