import { afterEach, describe, expect, it } from 'vitest';
import { scanTree } from '../data/tree-scan.js';
import type { EntryStat, TreeSource } from '../ports/tree-source.js';
import type { DataTree } from './data-workspace.js';

/** A tree source reading `tree`, written (or held) under `root`. */
export interface TreeSourceFixture {
  source: TreeSource<EntryStat, unknown>;
  /** Where `tree` lies as the source sees it. */
  root: string;
  cleanup: () => Promise<void>;
}

const join = (dir: string, name: string): string => (dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`);
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const codeOf = (call: () => unknown): unknown => {
  try {
    call();
  } catch (error) {
    return (error as { code?: unknown }).code;
  }
  return 'no error';
};

const TREE: DataTree = {
  'train.csv': 'x,y\n1,2\n',
  'bin/fit.sh': { bytes: '#!/bin/sh\n', mode: 0o750 },
  'nested/deeper/leaf.txt': 'leaf',
  'empty-dir': { dir: true },
  'link-to-train': { link: 'train.csv' },
  'nested/up-link': { link: '../train.csv' },
  'données ✓.txt': 'unicode names',
};

/**
 * The `TreeSource` contract: what core's scan relies on from the file system an
 * adapter reads (names, lstat, link targets, realpath, the raw forms and the
 * errors of a missing path). `build` writes or holds the tree and says where.
 */
export function treeSourceContract(name: string, build: (tree: DataTree) => Promise<TreeSourceFixture>): void {
  describe(`TreeSource contract: ${name}`, () => {
    let fixture: TreeSourceFixture | undefined;
    const given = async (): Promise<TreeSourceFixture> => (fixture = await build(TREE));
    afterEach(async () => {
      await fixture?.cleanup();
      fixture = undefined;
    });

    it('given a directory, when listed, then its names come as text and the same names as bytes', async () => {
      const { source, root } = await given();
      const names = [...source.list(root)].sort();
      expect(names).toEqual(['bin', 'données ✓.txt', 'empty-dir', 'link-to-train', 'nested', 'train.csv']);
      expect(source.listRaw(root).map(text).sort()).toEqual(names);
      expect(source.list(join(root, 'empty-dir'))).toEqual([]);
    });

    it('given files, directories and links, when lstat is asked, then each is what it is, with its mode and size, and a link is not followed', async () => {
      const { source, root } = await given();
      const script = source.lstat(join(root, 'bin/fit.sh'));
      expect([script.isFile(), script.isDirectory(), script.isSymbolicLink()]).toEqual([true, false, false]);
      expect(Number(script.mode) & 0o777).toBe(0o750);
      expect(Number(script.size)).toBe(utf8('#!/bin/sh\n').length);
      const dir = source.lstat(join(root, 'nested'));
      expect([dir.isFile(), dir.isDirectory(), dir.isSymbolicLink()]).toEqual([false, true, false]);
      const link = source.lstat(join(root, 'link-to-train'));
      expect([link.isFile(), link.isDirectory(), link.isSymbolicLink()]).toEqual([false, false, true]);
      expect([script, dir, link].some((s) => s.isSocket() || s.isFIFO() || s.isBlockDevice() || s.isCharacterDevice())).toBe(false);
    });

    it('given a symlink, when read, then its target text comes back as written, as text and as bytes', async () => {
      const { source, root } = await given();
      expect(source.readlink(join(root, 'nested/up-link'))).toBe('../train.csv');
      expect(text(source.readlinkRaw(join(root, 'nested/up-link')))).toBe('../train.csv');
    });

    it('given a path through a symlink, when resolved, then it names the target, and the raw form decodes to the same', async () => {
      const { source, root } = await given();
      const resolvedRoot = source.realpath(root);
      expect(source.realpath(join(root, 'link-to-train'))).toBe(source.realpath(join(root, 'train.csv')));
      expect(source.realpath(join(root, 'link-to-train'))).toBe(join(resolvedRoot, 'train.csv'));
      expect(text(source.realpathRaw(join(root, 'nested/up-link')))).toBe(join(resolvedRoot, 'train.csv'));
    });

    it('given a path that does not exist, when resolved, then the error carries ENOENT (or ENOTDIR below a file)', async () => {
      const { source, root } = await given();
      expect(codeOf(() => source.realpath(join(root, 'no-such-file')))).toBe('ENOENT');
      expect(['ENOENT', 'ENOTDIR']).toContain(codeOf(() => source.realpath(join(root, 'train.csv/below-a-file'))));
    });

    it('given a long scan, when it yields, then the yield settles', async () => {
      const { source } = await given();
      await expect(source.yieldToEventLoop()).resolves.toBeUndefined();
    });

    it('given the tree, when core scans it through the source, then it counts every regular file and byte, and records links as links', async () => {
      const { source, root } = await given();
      const { node } = await scanTree(source, root);
      const fileBytes = ['x,y\n1,2\n', '#!/bin/sh\n', 'leaf', 'unicode names'].map((t) => utf8(t).length);
      expect(node.type === 'directory' && { files: node.files, bytes: node.bytes }).toEqual({ files: 4, bytes: fileBytes.reduce((a, b) => a + b, 0) });
      const link = node.type === 'directory' ? node.children.find((c) => c.name === 'link-to-train') : undefined;
      expect(link).toMatchObject({ type: 'symlink', target: 'train.csv' });
    });
  });
}
