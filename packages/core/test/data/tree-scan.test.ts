import { describe, expect, it } from 'vitest';
import { NonUtf8NameError, SpecialFileError } from '../../src/errors/data-errors.js';
import { filesOf, scanTree, type ScannedDirectory, type ScannedNode } from '../../src/data/tree-scan.js';
import { bytes, dir, file, InMemoryTree, link, type MemoryEntry } from './in-memory-tree.js';

const scan = (root: MemoryEntry, shownRoot?: string) => scanTree(new InMemoryTree(root), '/mnt', shownRoot ? { shownRoot } : {});
const refusal = (root: MemoryEntry, shownRoot?: string): Promise<unknown> =>
  scan(root, shownRoot).then(
    () => undefined,
    (e: unknown) => e,
  );
const names = (node: ScannedNode<unknown>): string[] => (node.type === 'directory' ? node.children.map((c) => c.name) : []);

describe('scanning a tree for capture', () => {
  it('given files, directories and links, when scanned, then every entry is there with its mode, and totals count regular files only', async () => {
    const { node } = await scan(
      dir({ 'a.csv': file('12345'), sub: dir({ 'b.sh': file('go', 0o755), up: link('../a.csv') }, 0o700), out: link('/etc/passwd') }),
    );
    const root = node as ScannedDirectory<string>;
    expect(root).toMatchObject({ type: 'directory', rel: '', files: 2, bytes: 7 });
    expect(names(root)).toEqual(['a.csv', 'sub', 'out']);
    expect(root.children[1]).toMatchObject({ type: 'directory', name: 'sub', rel: 'sub', path: '/mnt/sub', mode: 0o700, files: 1, bytes: 2 });
    expect(filesOf(root).map((f) => [f.rel, f.path, f.mode, f.size, f.detail])).toEqual([
      ['a.csv', '/mnt/a.csv', 0o644, 5, '12345'],
      ['sub/b.sh', '/mnt/sub/b.sh', 0o755, 2, 'go'],
    ]);
  });

  it('given a link pointing out of the tree, when scanned, then it is a link with its target text (never followed)', async () => {
    const { node } = await scan(dir({ out: link('../../elsewhere/secret') }));
    expect((node as ScannedDirectory<string>).children).toEqual([{ type: 'symlink', name: 'out', mode: 0o777, target: '../../elsewhere/secret' }]);
  });

  it('given a FIFO or a socket in the tree, when scanned, then SpecialFileError names its path and kind', async () => {
    const fifo = await refusal(dir({ sub: dir({ pipe: { type: 'fifo' } }) }));
    expect(fifo).toBeInstanceOf(SpecialFileError);
    expect(fifo).toMatchObject({ path: '/mnt/sub/pipe', fileKind: 'fifo', code: 'DATA_SPECIAL_FILE' });
    expect(await refusal(dir({ sock: { type: 'socket' } }))).toMatchObject({ path: '/mnt/sock', fileKind: 'socket' });
  });

  it('given a name that is not UTF-8, when scanned, then NonUtf8NameError shows its bytes as \\xHH and keeps the raw path', async () => {
    const error = await refusal(dir({ sub: dir([[bytes('caf', 0xe9, '.csv'), file('x')]]) }));
    expect(error).toBeInstanceOf(NonUtf8NameError);
    const e = error as NonUtf8NameError;
    expect(e).toMatchObject({ path: '/mnt/sub/caf\\xe9.csv', part: 'name', code: 'DATA_NAME_NOT_UTF8' });
    expect([...e.rawPath]).toEqual([...bytes('/mnt/sub/caf', 0xe9, '.csv')]);
    expect(e.message).toContain('rename it');
  });

  it('given a link target that is not UTF-8, when scanned, then NonUtf8NameError names the link and shows the target escaped', async () => {
    const error = await refusal(dir({ l: link(bytes('../', 0xff)) }));
    expect(error).toBeInstanceOf(NonUtf8NameError);
    expect(error).toMatchObject({ path: '/mnt/l', part: 'symlink target', target: '../\\xff' });
    expect((error as Error).message).toContain('point the link at a UTF-8 path');
  });

  it('given a shown root (a copy read elsewhere), when a refusal names a path, then it is named under the shown root', async () => {
    expect(await refusal(dir({ d: dir([[bytes(0xe9), file('x')]]) }), '/home/me/data')).toMatchObject({ path: '/home/me/data/d/\\xe9' });
    expect(await refusal(dir({ p: { type: 'fifo' } }), '/home/me/data')).toMatchObject({ path: '/home/me/data/p' });
  });

  it('given names that really hold U+FFFD (valid UTF-8), when scanned, then they are kept and only their directory is re-read as bytes', async () => {
    const tree = new InMemoryTree(dir({ 'plain.txt': file('a'), odd: dir({ 'r-\uFFFD.txt': file('b'), 'to-\uFFFD': link('x-\uFFFD') }) }));
    const { node } = await scanTree(tree, '/mnt');
    expect(names((node as ScannedDirectory<string>).children[1]!)).toEqual(['r-\uFFFD.txt', 'to-\uFFFD']);
    expect(tree.rawReads).toEqual(['/mnt/odd']);
  });

  it('given a root that is itself a file, when scanned, then it is one file with an empty relative path', async () => {
    expect((await scanTree(new InMemoryTree(file('abc', 0o600)), '/mnt')).node).toEqual({
      type: 'file',
      name: '',
      rel: '',
      path: '/mnt',
      mode: 0o600,
      size: 3,
      detail: 'abc',
    });
  });

  it('given a root whose resolved path is not UTF-8, when scanned, then it is refused naming the resolved path', async () => {
    const tree = new InMemoryTree(dir({}));
    tree.realpath = () => '/data-\uFFFD';
    tree.realpathRaw = () => bytes('/data-', 0xe9);
    expect(await scanTree(tree, '/mnt').catch((e: unknown) => e)).toMatchObject({ path: '/data-\\xe9', part: 'name' });
  });
});
