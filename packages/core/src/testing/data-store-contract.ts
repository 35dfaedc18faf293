import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VersionRefSchema, type VersionRef } from '../events/catalogue.js';
import { DataPathNotFoundError, MaterializeTargetExistsError, NonUtf8NameError } from '../errors/data-errors.js';
import { makeManifest, manifestDigest, sha256Digest, type ManifestEntry } from '../data/manifest.js';
import type { CaptureProgress, DataStore } from '../ports/data-store.js';
import { DataWorkspace, type DataTree } from './data-workspace.js';

export interface DataStoreFixture {
  store: DataStore;
  /** Remove everything the store wrote (its objects, snapshots, temp files). */
  cleanup: () => Promise<void>;
  /**
   * Where the contract writes the data it captures (default: the OS temp
   * directory). A store that versions only paths on its own file system (ZFS:
   * the mountpoint of its dataset) names a directory there.
   */
  workspaceDirectory?: string;
  /**
   * A comparable picture of everything the store holds (its directory's files, its
   * snapshots and datasets): a refused capture must leave it equal.
   */
  storedState: () => Promise<unknown>;
}

/** What a capture of `path` must report, computed here from the files themselves. */
interface ExpectedVersion {
  kind: 'file' | 'directory';
  digest: string;
  bytes: number;
  files: number;
}

const PERMISSION_BITS = 0o7777;
const hexSha256 = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');

/**
 * The version of `path` by the rules of the `DataStore` port: a file is the sha256 of
 * its bytes; a directory is `manifestDigest` of its entries (symlinks by target text,
 * never followed; a sub-directory's size is the bytes of the files below it).
 */
async function expectedVersionOf(path: string): Promise<ExpectedVersion> {
  if ((await fsp.stat(path)).isFile()) {
    const bytes = await fsp.readFile(path);
    return { kind: 'file', digest: `sha256:${hexSha256(bytes)}`, bytes: bytes.length, files: 1 };
  }
  const entries: ManifestEntry[] = [];
  let bytes = 0;
  let files = 0;
  for (const name of await fsp.readdir(path)) {
    const child = join(path, name);
    const stat = await fsp.lstat(child);
    const mode = stat.mode & PERMISSION_BITS;
    if (stat.isSymbolicLink()) {
      const target = await fsp.readlink(child, 'utf8');
      entries.push({ name, type: 'symlink', mode, size: Buffer.byteLength(target, 'utf8'), digest: sha256Digest(target), target });
    } else if (stat.isDirectory()) {
      const sub = await expectedVersionOf(child);
      entries.push({ name, type: 'directory', mode, size: sub.bytes, digest: sub.digest });
      bytes += sub.bytes;
      files += sub.files;
    } else {
      const content = await fsp.readFile(child);
      entries.push({ name, type: 'file', mode, size: content.length, digest: sha256Digest(content) });
      bytes += content.length;
      files += 1;
    }
  }
  return { kind: 'directory', digest: manifestDigest(makeManifest(entries)), bytes, files };
}

/** Every kind of entry a data tree can hold. */
const VARIED_TREE: DataTree = {
  'train.csv': 'x,y\n1,2\n3,4\n',
  'bin/fit.sh': { bytes: '#!/bin/sh\nexit 0\n', mode: 0o755 },
  'private.key': { bytes: 'not for others', mode: 0o600 },
  'empty.txt': '',
  'nested/deeper/deepest/leaf.bin': Uint8Array.from({ length: 256 }, (_, i) => i),
  'nested/up-link': { link: '../train.csv' },
  'empty-dir': { dir: true },
  'read-only/notes.txt': { bytes: 'keep', mode: 0o444 },
  'read-only': { dir: true, mode: 0o555 },
  'link-to-train': { link: 'train.csv' },
  'dangling-link': { link: 'no/such/file' },
  'with space.txt': 'spaces in the name',
  'données/日本語 ✓.txt': 'unicode in the names',
};

/**
 * The `DataStore` contract: content identity, exact restore, immutability and the
 * bookkeeping (has/stat/progress) every adapter must agree on. Digests are read with
 * `store.digestOf(ref)`, so stores that defer digests pass too.
 */
export function dataStoreContract(name: string, factory: () => Promise<DataStoreFixture>): void {
  describe(`DataStore contract: ${name}`, () => {
    let fixture: DataStoreFixture | undefined;
    let space: DataWorkspace | undefined;
    let store: DataStore;
    let ws: DataWorkspace;

    beforeEach(async () => {
      fixture = await factory();
      space = await DataWorkspace.create('ds-data-contract-', fixture.workspaceDirectory);
      store = fixture.store;
      ws = space;
    });
    afterEach(async () => {
      await fixture?.cleanup();
      await space?.cleanup();
      fixture = undefined;
      space = undefined;
    });

    /** Capture and check what every ref must satisfy, whatever it holds. */
    const capture = async (rel: string, onProgress?: (p: CaptureProgress) => void): Promise<VersionRef> => {
      const ref = await store.capture(ws.path(rel), onProgress ? { onProgress } : undefined);
      expect(VersionRefSchema.parse(ref)).toEqual(ref);
      expect(ref.store).toBe(store.kind);
      if (!store.digestsDeferred) expect(ref.digest).toBe(await store.digestOf(ref));
      return ref;
    };
    const digestOf = async (rel: string): Promise<string> => store.digestOf(await capture(rel));
    const expectVersion = async (ref: VersionRef, rel: string): Promise<void> => {
      const expected = await expectedVersionOf(ws.path(rel));
      expect({ kind: ref.kind, digest: await store.digestOf(ref), bytes: ref.bytes, files: ref.files }).toEqual(expected);
    };
    const unknownRef = (kind: 'file' | 'directory'): VersionRef => ({
      store: store.kind,
      kind,
      digest: `sha256:${hexSha256(randomBytes(32))}`,
      bytes: 0,
      files: kind === 'file' ? 1 : 0,
    });

    describe('content identity', () => {
      it('given identical trees in two different places, when captured, then the digests are equal', async () => {
        await ws.write('first/data', VARIED_TREE);
        await ws.write('elsewhere/deeper/other-name', VARIED_TREE);
        expect(await digestOf('first/data')).toBe(await digestOf('elsewhere/deeper/other-name'));
      });

      it('given identical files under different names, when captured, then the digests are equal', async () => {
        await ws.writeFile('a.csv', 'id\n1\n');
        await ws.writeFile('sub/b.txt', 'id\n1\n', 0o755);
        expect(await digestOf('a.csv')).toBe(await digestOf('sub/b.txt'));
      });

      it('given a file, when captured, then its digest is sha256: and the sha256 of its bytes, and bytes/files describe it', async () => {
        const bytes = randomBytes(70_001);
        await ws.writeFile('model.bin', bytes);
        const ref = await capture('model.bin');
        expect(await store.digestOf(ref)).toBe(`sha256:${hexSha256(bytes)}`);
        expect(ref).toMatchObject({ kind: 'file', bytes: 70_001, files: 1 });
      });

      it('given a directory, when captured, then its digest is manifestDigest of its manifest, bytes count file bytes and files count regular files', async () => {
        await ws.write('data', VARIED_TREE);
        const ref = await capture('data');
        await expectVersion(ref, 'data');
        expect(ref.files).toBe(8);
        // Symlink targets and directories add nothing to `bytes`.
        expect(ref.bytes).toBe(['x,y\n1,2\n3,4\n', '#!/bin/sh\nexit 0\n', 'not for others', 'keep', 'spaces in the name', 'unicode in the names'].reduce((s, t) => s + Buffer.byteLength(t), 256));
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
          await ws.write(`v${i}`, variant);
          const ref = await capture(`v${i}`);
          await expectVersion(ref, `v${i}`);
          digests.push(await store.digestOf(ref));
        }
        expect(new Set(digests).size).toBe(variants.length);
      });

      it('given a captured tree, when one byte of a nested file changes (same size, mtime put back), then the file and the tree get new digests', async () => {
        const big = randomBytes(100_000);
        await ws.write('data', { 'keep.txt': 'unchanged', 'deep/inner/big.bin': big });
        const before = { tree: await digestOf('data'), file: await digestOf('data/deep/inner/big.bin') };
        const path = ws.path('data/deep/inner/big.bin');
        const { atime, mtime } = await fsp.stat(path);
        const changed = Buffer.from(big);
        changed[50_000] = changed[50_000]! ^ 0x01;
        const handle = await fsp.open(path, 'r+');
        await handle.write(changed, 50_000, 1, 50_000);
        await handle.close();
        await fsp.utimes(path, atime, mtime);

        const after = { tree: await capture('data'), file: await capture('data/deep/inner/big.bin') };
        expect(await store.digestOf(after.file)).toBe(`sha256:${hexSha256(changed)}`);
        expect(await store.digestOf(after.file)).not.toBe(before.file);
        expect(await store.digestOf(after.tree)).not.toBe(before.tree);
        await expectVersion(after.tree, 'data');
      });

      it('given an unchanged tree, when captured again, then the digest is the same', async () => {
        await ws.write('data', VARIED_TREE);
        expect(await digestOf('data')).toBe(await digestOf('data'));
      });
    });

    describe('materialize', () => {
      it('given a captured tree, when materialized, then bytes, names, modes (executable bits too), empty dirs, nested dirs and symlinks are restored exactly', async () => {
        await ws.write('data', VARIED_TREE);
        const ref = await capture('data');
        await store.materialize(ref, ws.path('restored'));
        expect(await ws.describe('restored')).toEqual(await ws.describe('data'));
        expect(await ws.describe('restored')).toContainEqual({ path: 'bin/fit.sh', type: 'file', mode: '755', bytes: Buffer.from('#!/bin/sh\nexit 0\n').toString('base64') });
        expect(await ws.describe('restored')).toContainEqual({ path: 'nested/up-link', type: 'symlink', target: '../train.csv' });
      });

      it('given captured setuid, setgid and sticky bits, when materialized, then they are cleared, and restored only when asked', async () => {
        const special: DataTree = {
          'bin/tool': { bytes: '#!/bin/sh\nid\n', mode: 0o4755 },
          'bin/group-tool': { bytes: '#!/bin/sh\nid\n', mode: 0o2755 },
          shared: { dir: true, mode: 0o1777 },
        };
        await ws.write('special', special);
        const ref = await capture('special');
        await store.materialize(ref, ws.path('plain'));
        const modes = async (rel: string) => Object.fromEntries((await ws.describe(rel)).filter((e) => e.type !== 'symlink').map((e) => [e.path, e.mode]));
        expect(await modes('plain')).toEqual({ bin: '755', 'bin/group-tool': '755', 'bin/tool': '755', shared: '777' });
        await store.materialize(ref, ws.path('asked'), { specialModes: true });
        expect(await modes('asked')).toEqual({ bin: '755', 'bin/group-tool': '2755', 'bin/tool': '4755', shared: '1777' });
      });

      it('given a captured file, when materialized, then a regular file with the same bytes is there', async () => {
        const bytes = randomBytes(4096);
        await ws.writeFile('weights.bin', bytes);
        await store.materialize(await capture('weights.bin'), ws.path('restored.bin'));
        const stat = await fsp.lstat(ws.path('restored.bin'));
        expect(stat.isFile()).toBe(true);
        expect(Buffer.compare(await fsp.readFile(ws.path('restored.bin')), bytes)).toBe(0);
      });

      it('given a target that exists (directory or file), when materialized into, then it fails naming the target and leaves it untouched', async () => {
        await ws.write('data', { 'a.txt': 'new' });
        const ref = await capture('data');
        await ws.write('existing-dir', { 'mine.txt': 'do not touch' });
        await ws.writeFile('existing-file', 'mine');
        const before = { dir: await ws.describe('existing-dir'), listing: await ws.list() };

        await expect(store.materialize(ref, ws.path('existing-dir'))).rejects.toThrow(ws.path('existing-dir'));
        await expect(store.materialize(ref, ws.path('existing-file'))).rejects.toThrow(ws.path('existing-file'));
        await expect(store.materialize(ref, ws.path('existing-dir'))).rejects.toBeInstanceOf(MaterializeTargetExistsError);
        expect(await ws.describe('existing-dir')).toEqual(before.dir);
        expect(await fsp.readFile(ws.path('existing-file'), 'utf8')).toBe('mine');
        expect(await ws.list()).toEqual(before.listing);
      });

      it('given a version the store does not hold, when materialized, then it fails and creates nothing', async () => {
        await expect(store.materialize(unknownRef('directory'), ws.path('restored'))).rejects.toThrow();
        await expect(store.materialize(unknownRef('file'), ws.path('restored.bin'))).rejects.toThrow();
        expect(await ws.list()).toEqual([]);
      });

      it('given names with spaces and unicode, when captured and materialized, then the names come back unchanged', async () => {
        const tree: DataTree = { 'a file with spaces.csv': '1', 'ümlaut/naïve café.txt': '2', '日本語/データ ✓.bin': '3', 'emoji 🚀': { dir: true } };
        await ws.write('data', tree);
        const ref = await capture('data');
        await expectVersion(ref, 'data');
        await store.materialize(ref, ws.path('restored'));
        expect((await ws.describe('restored')).map((e) => e.path)).toEqual(['a file with spaces.csv', 'emoji 🚀', 'ümlaut', 'ümlaut/naïve café.txt', '日本語', '日本語/データ ✓.bin']);
      });
    });

    describe('empty data', () => {
      it('given an empty file, when captured and materialized, then its digest is the sha256 of nothing and an empty file comes back', async () => {
        await ws.writeFile('empty.csv', '');
        const ref = await capture('empty.csv');
        expect(await store.digestOf(ref)).toBe(`sha256:${hexSha256('')}`);
        expect(ref).toMatchObject({ kind: 'file', bytes: 0, files: 1 });
        await store.materialize(ref, ws.path('restored.csv'));
        expect((await fsp.readFile(ws.path('restored.csv'))).length).toBe(0);
      });

      it('given an empty directory, when captured and materialized, then its digest is that of the empty manifest and an empty directory comes back', async () => {
        await ws.write('empty', {});
        const ref = await capture('empty');
        expect(await store.digestOf(ref)).toBe(manifestDigest(makeManifest([])));
        expect(ref).toMatchObject({ kind: 'directory', bytes: 0, files: 0 });
        await store.materialize(ref, ws.path('restored'));
        expect((await fsp.lstat(ws.path('restored'))).isDirectory()).toBe(true);
        expect(await ws.describe('restored')).toEqual([]);
      });
    });

    describe('has and stat', () => {
      it('given captured versions, then has is true and stat gives their kind, bytes and files', async () => {
        await ws.write('data', VARIED_TREE);
        const tree = await capture('data');
        const file = await capture('data/nested/deeper/deepest/leaf.bin');
        expect(await store.has(tree)).toBe(true);
        expect(await store.has(file)).toBe(true);
        expect(await store.stat(tree)).toEqual({ kind: 'directory', bytes: tree.bytes, files: tree.files });
        expect(await store.stat(file)).toEqual({ kind: 'file', bytes: 256, files: 1 });
      });

      it('given a digest the store never captured, then has is false and stat is undefined', async () => {
        for (const kind of ['file', 'directory'] as const) {
          expect(await store.has(unknownRef(kind))).toBe(false);
          expect(await store.stat(unknownRef(kind))).toBeUndefined();
        }
      });
    });

    describe('capture errors', () => {
      it('given a path that does not exist, when captured, then DataPathNotFoundError names the path', async () => {
        const missing = ws.path('no/such/data');
        const error = await store.capture(missing).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(DataPathNotFoundError);
        expect((error as DataPathNotFoundError).path).toBe(missing);
        expect((error as Error).message).toContain(missing);
      });
    });

    describe('names that are not UTF-8', () => {
      /** `dir` (resolved, as errors name it) + '/' + `name` with the Latin-1 byte é (0xe9) in it: a path Node can only name as a Buffer. */
      const latin1Path = async (rel: string, name: string): Promise<{ shown: string; raw: Buffer }> => {
        const dir = await fsp.realpath(ws.path(rel));
        const [before, after] = name.split('é') as [string, string];
        return { shown: `${dir}/${before}\\xe9${after}`, raw: Buffer.concat([Buffer.from(`${dir}/${before}`), Buffer.from([0xe9]), Buffer.from(after)]) };
      };
      /** Capture `data` expecting a refusal; checks nothing new is held: neither `fresh` content nor anything in the store's state. */
      const refusedCapture = async (before: unknown, fresh: Buffer): Promise<NonUtf8NameError> => {
        const error = await store.capture(ws.path('data')).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(NonUtf8NameError);
        const refusal = error as NonUtf8NameError;
        expect(refusal.code).toBe('DATA_NAME_NOT_UTF8');
        expect(refusal.message).toContain(refusal.path);
        expect(refusal.message).toContain('nothing was stored');
        const freshRef: VersionRef = { store: store.kind, kind: 'file', digest: `sha256:${hexSha256(fresh)}`, bytes: fresh.length, files: 1 };
        expect(await store.has(freshRef)).toBe(false);
        expect(await fixture!.storedState()).toEqual(before);
        return refusal;
      };

      it('given a tree holding a file whose name is not UTF-8, when captured, then NonUtf8NameError names the path (bad bytes as \\xHH) and nothing is stored', async () => {
        await ws.write('data', { 'kept.txt': randomBytes(32) });
        await capture('data'); // the store holds something: a refusal must leave it as it is
        const before = await fixture!.storedState();
        const fresh = randomBytes(4096);
        await ws.write('data', { 'sub/fresh.bin': fresh, 'sub/zz-after.txt': randomBytes(16) });
        const odd = await latin1Path('data/sub', 'café.csv');
        await fsp.writeFile(odd.raw, 'a Latin-1 name');

        const refusal = await refusedCapture(before, fresh);

        expect(refusal.path).toBe(odd.shown);
        expect(Buffer.from(refusal.rawPath).equals(odd.raw)).toBe(true);
        expect(refusal.part).toBe('name');
      });

      it('given a symlink whose target is not UTF-8, when captured, then NonUtf8NameError names the link, shows the target escaped, and nothing is stored', async () => {
        await ws.write('data', { 'kept.txt': randomBytes(32) });
        await capture('data');
        const before = await fixture!.storedState();
        const fresh = randomBytes(4096);
        await ws.write('data', { 'fresh.bin': fresh });
        await fsp.symlink(Buffer.concat([Buffer.from('../caf'), Buffer.from([0xe9])]), ws.path('data/link'));

        const refusal = await refusedCapture(before, fresh);

        expect(refusal).toMatchObject({ path: `${await fsp.realpath(ws.path('data'))}/link`, part: 'symlink target', target: '../caf\\xe9' });
      });
    });

    describe('immutability', () => {
      it('given a captured tree, when the source is changed in place, deleted and the first restore edited, then materialize still gives the captured version', async () => {
        await ws.write('data', VARIED_TREE);
        const original = await ws.describe('data');
        const ref = await capture('data');
        const digest = await store.digestOf(ref);
        // Overwrite in place (same inode), so a store that hard-links its objects would be caught.
        const handle = await fsp.open(ws.path('data/train.csv'), 'r+');
        await handle.write('CHANGED');
        await handle.close();
        await fsp.rm(ws.path('data/nested'), { recursive: true });
        await store.materialize(ref, ws.path('first'));
        expect(await ws.describe('first')).toEqual(original);

        await ws.remove('data');
        const restoredCsv = await fsp.open(ws.path('first/train.csv'), 'r+');
        await restoredCsv.write('EDITED');
        await restoredCsv.close();
        await store.materialize(ref, ws.path('second'));
        expect(await ws.describe('second')).toEqual(original);
        expect(await store.digestOf(ref)).toBe(digest);
      });

      it('given a captured file, when the source is overwritten, then materialize gives the captured bytes', async () => {
        await ws.writeFile('labels.csv', 'cat\ndog\n');
        const ref = await capture('labels.csv');
        await ws.writeFile('labels.csv', 'cow\n');
        await store.materialize(ref, ws.path('restored.csv'));
        expect(await fsp.readFile(ws.path('restored.csv'), 'utf8')).toBe('cat\ndog\n');
      });
    });

    describe('symlinks', () => {
      it('given symlinks pointing outside the tree, when captured, then they are recorded as links with their target text and never followed', async () => {
        await ws.write('outside', { 'secret.txt': 'outside the tree', 'big/a.bin': randomBytes(1000) });
        await ws.write('data', { 'to-file': { link: '../outside/secret.txt' }, 'to-dir': { link: ws.path('outside/big') } });
        const ref = await capture('data');
        await expectVersion(ref, 'data');
        expect(ref).toMatchObject({ bytes: 0, files: 0 });

        await ws.writeFile('outside/secret.txt', 'changed outside the tree');
        expect(await digestOf('data')).toBe(await store.digestOf(ref));

        await store.materialize(ref, ws.path('restored'));
        expect(await ws.describe('restored')).toEqual([
          { path: 'to-dir', type: 'symlink', target: ws.path('outside/big') },
          { path: 'to-file', type: 'symlink', target: '../outside/secret.txt' },
        ]);
      });
    });

    describe('progress', () => {
      it('given a tree, when captured (first and again), then progress is monotonic and ends at totals equal to the ref bytes and files', async () => {
        const tree: DataTree = Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`part-${i % 4}/file-${i}.bin`, randomBytes(1000 * i + 1)]));
        await ws.write('data', { ...tree, link: { link: 'part-0/file-0.bin' } });
        for (const round of ['first', 'again']) {
          const seen: CaptureProgress[] = [];
          const ref = await capture('data', (p) => seen.push({ ...p }));
          expect(seen.length, `progress reported on the ${round} capture`).toBeGreaterThan(0);
          const last = seen.at(-1)!;
          expect(last).toEqual({ bytesDone: ref.bytes, bytesTotal: ref.bytes, filesDone: ref.files, filesTotal: ref.files });
          expect(ref.files).toBe(24);
          seen.forEach((p, i) => {
            expect(p.bytesTotal).toBe(last.bytesTotal);
            expect(p.filesTotal).toBe(last.filesTotal);
            expect(p.bytesDone).toBeLessThanOrEqual(p.bytesTotal);
            expect(p.filesDone).toBeLessThanOrEqual(p.filesTotal);
            if (i > 0) {
              expect(p.bytesDone).toBeGreaterThanOrEqual(seen[i - 1]!.bytesDone);
              expect(p.filesDone).toBeGreaterThanOrEqual(seen[i - 1]!.filesDone);
            }
          });
        }
      });
    });
  });
}
