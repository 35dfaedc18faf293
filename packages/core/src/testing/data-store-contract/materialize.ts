import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeManifest, manifestDigest } from '../../data/manifest.js';
import { MaterializeTargetExistsError } from '../../errors/data-errors.js';
import type { DataTree } from '../data-workspace.js';
import type { DataContractSubject } from './contract-subject.js';
import { hexSha256, VARIED_TREE } from './expected-version.js';

/** The DataStore contract, part: What a materialize restores: the captured version exactly, whatever happened to the source since. */

export function materializeContract(s: DataContractSubject): void {
  describe('materialize', () => {
    it('given a captured tree, when materialized, then bytes, names, modes (executable bits too), empty dirs, nested dirs and symlinks are restored exactly', async () => {
      await s.ws.write('data', VARIED_TREE);
      const ref = await s.capture('data');
      await s.store.materialize(ref, s.ws.path('restored'));
      expect(await s.ws.describe('restored')).toEqual(await s.ws.describe('data'));
      expect(await s.ws.describe('restored')).toContainEqual({
        path: 'bin/fit.sh',
        type: 'file',
        mode: '755',
        bytes: Buffer.from('#!/bin/sh\nexit 0\n').toString('base64'),
      });
      expect(await s.ws.describe('restored')).toContainEqual({ path: 'nested/up-link', type: 'symlink', target: '../train.csv' });
    });

    it('given captured setuid, setgid and sticky bits, when materialized, then they are cleared, and restored only when asked', async () => {
      const special: DataTree = {
        'bin/tool': { bytes: '#!/bin/sh\nid\n', mode: 0o4755 },
        'bin/group-tool': { bytes: '#!/bin/sh\nid\n', mode: 0o2755 },
        shared: { dir: true, mode: 0o1777 },
      };
      await s.ws.write('special', special);
      const ref = await s.capture('special');
      await s.store.materialize(ref, s.ws.path('plain'));
      const modes = async (rel: string) => Object.fromEntries((await s.ws.describe(rel)).filter((e) => e.type !== 'symlink').map((e) => [e.path, e.mode]));
      expect(await modes('plain')).toEqual({ bin: '755', 'bin/group-tool': '755', 'bin/tool': '755', shared: '777' });
      await s.store.materialize(ref, s.ws.path('asked'), { specialModes: true });
      expect(await modes('asked')).toEqual({ bin: '755', 'bin/group-tool': '2755', 'bin/tool': '4755', shared: '1777' });
    });

    it('given a captured file, when materialized, then a regular file with the same bytes is there', async () => {
      const bytes = randomBytes(4096);
      await s.ws.writeFile('weights.bin', bytes);
      await s.store.materialize(await s.capture('weights.bin'), s.ws.path('restored.bin'));
      const stat = await fsp.lstat(s.ws.path('restored.bin'));
      expect(stat.isFile()).toBe(true);
      expect(Buffer.compare(await fsp.readFile(s.ws.path('restored.bin')), bytes)).toBe(0);
    });

    it('given a target that exists (directory or file), when materialized into, then it fails naming the target and leaves it untouched', async () => {
      await s.ws.write('data', { 'a.txt': 'new' });
      const ref = await s.capture('data');
      await s.ws.write('existing-dir', { 'mine.txt': 'do not touch' });
      await s.ws.writeFile('existing-file', 'mine');
      const before = { dir: await s.ws.describe('existing-dir'), listing: await s.ws.list() };

      await expect(s.store.materialize(ref, s.ws.path('existing-dir'))).rejects.toThrow(s.ws.path('existing-dir'));
      await expect(s.store.materialize(ref, s.ws.path('existing-file'))).rejects.toThrow(s.ws.path('existing-file'));
      await expect(s.store.materialize(ref, s.ws.path('existing-dir'))).rejects.toBeInstanceOf(MaterializeTargetExistsError);
      expect(await s.ws.describe('existing-dir')).toEqual(before.dir);
      expect(await fsp.readFile(s.ws.path('existing-file'), 'utf8')).toBe('mine');
      expect(await s.ws.list()).toEqual(before.listing);
    });

    it('given a version the store does not hold, when materialized, then it fails and creates nothing', async () => {
      await expect(s.store.materialize(s.unknownRef('directory'), s.ws.path('restored'))).rejects.toThrow();
      await expect(s.store.materialize(s.unknownRef('file'), s.ws.path('restored.bin'))).rejects.toThrow();
      expect(await s.ws.list()).toEqual([]);
    });

    it('given names with spaces and unicode, when captured and materialized, then the names come back unchanged', async () => {
      const tree: DataTree = { 'a file with spaces.csv': '1', 'ümlaut/naïve café.txt': '2', '日本語/データ ✓.bin': '3', 'emoji 🚀': { dir: true } };
      await s.ws.write('data', tree);
      const ref = await s.capture('data');
      await s.expectVersion(ref, 'data');
      await s.store.materialize(ref, s.ws.path('restored'));
      expect((await s.ws.describe('restored')).map((e) => e.path)).toEqual([
        'a file with spaces.csv',
        'emoji 🚀',
        'ümlaut',
        'ümlaut/naïve café.txt',
        '日本語',
        '日本語/データ ✓.bin',
      ]);
    });
  });
}

export function emptyDataContract(s: DataContractSubject): void {
  describe('empty data', () => {
    it('given an empty file, when captured and materialized, then its digest is the sha256 of nothing and an empty file comes back', async () => {
      await s.ws.writeFile('empty.csv', '');
      const ref = await s.capture('empty.csv');
      expect(await s.store.digestOf(ref)).toBe(`sha256:${hexSha256('')}`);
      expect(ref).toMatchObject({ kind: 'file', bytes: 0, files: 1 });
      await s.store.materialize(ref, s.ws.path('restored.csv'));
      expect((await fsp.readFile(s.ws.path('restored.csv'))).length).toBe(0);
    });

    it('given an empty directory, when captured and materialized, then its digest is that of the empty manifest and an empty directory comes back', async () => {
      await s.ws.write('empty', {});
      const ref = await s.capture('empty');
      expect(await s.store.digestOf(ref)).toBe(manifestDigest(makeManifest([])));
      expect(ref).toMatchObject({ kind: 'directory', bytes: 0, files: 0 });
      await s.store.materialize(ref, s.ws.path('restored'));
      expect((await fsp.lstat(s.ws.path('restored'))).isDirectory()).toBe(true);
      expect(await s.ws.describe('restored')).toEqual([]);
    });
  });
}

export function immutabilityContract(s: DataContractSubject): void {
  describe('immutability', () => {
    it('given a captured tree, when the source is changed in place, deleted and the first restore edited, then materialize still gives the captured version', async () => {
      await s.ws.write('data', VARIED_TREE);
      const original = await s.ws.describe('data');
      const ref = await s.capture('data');
      const digest = await s.store.digestOf(ref);
      // Overwrite in place (same inode), so a store that hard-links its objects would be caught.
      const handle = await fsp.open(s.ws.path('data/train.csv'), 'r+');
      await handle.write('CHANGED');
      await handle.close();
      await fsp.rm(s.ws.path('data/nested'), { recursive: true });
      await s.store.materialize(ref, s.ws.path('first'));
      expect(await s.ws.describe('first')).toEqual(original);

      await s.ws.remove('data');
      const restoredCsv = await fsp.open(s.ws.path('first/train.csv'), 'r+');
      await restoredCsv.write('EDITED');
      await restoredCsv.close();
      await s.store.materialize(ref, s.ws.path('second'));
      expect(await s.ws.describe('second')).toEqual(original);
      expect(await s.store.digestOf(ref)).toBe(digest);
    });

    it('given a captured file, when the source is overwritten, then materialize gives the captured bytes', async () => {
      await s.ws.writeFile('labels.csv', 'cat\ndog\n');
      const ref = await s.capture('labels.csv');
      await s.ws.writeFile('labels.csv', 'cow\n');
      await s.store.materialize(ref, s.ws.path('restored.csv'));
      expect(await fsp.readFile(s.ws.path('restored.csv'), 'utf8')).toBe('cat\ndog\n');
    });
  });
}
