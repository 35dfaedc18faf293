import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataPathNotFoundError, NonUtf8NameError, SpecialFileError, type VersionRef } from '@dotscience/core';
import { describeDataTree } from '@dotscience/core/testing';
import {
  PathNotOnZfsError,
  snapshotVersionOf,
  ZfsDatasetNotFoundError,
  ZfsDataStore,
  ZfsPermissionError,
  ZfsPoolNotFoundError,
  ZfsSnapshotMissingError,
} from '../src/index.js';
import { freshDataset, reportZfsAvailability, testParent, zfs, type TestDataset } from './zfs-test-pool.js';

const origins = async (dataset: string): Promise<Map<string, string>> => {
  const rows = (await zfs.zfs(['get', '-H', '-r', '-o', 'name,value', 'origin', dataset])).split('\n').filter(Boolean);
  return new Map(rows.map((row) => row.split('\t') as [string, string]).filter(([, origin]) => origin !== '-'));
};

if (reportZfsAvailability()) {
  describe('ZfsDataStore on a real pool', () => {
    let dataset: TestDataset;
    let store: ZfsDataStore;
    const cleanups: Array<() => Promise<void>> = [];

    beforeEach(async () => {
      dataset = await freshDataset('store');
      store = new ZfsDataStore({ dataset: dataset.name });
    });
    afterEach(async () => {
      // The dataset first: destroying it destroys the clones mounted elsewhere.
      await dataset.destroy();
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    it('given a dataset captured, changed and captured again, when both versions are materialized side by side, then each is a clone holding its own bytes', async () => {
      const data = dataset.mountpoint;
      await fsp.writeFile(join(data, 'train.csv'), 'x,y\n1,2\n');
      await fsp.mkdir(join(data, 'images'));
      await fsp.writeFile(join(data, 'images/a.bin'), Buffer.alloc(10_000, 1));
      const v1 = await store.capture(data, { label: 'run-one' });
      const first = await describeDataTree(data);

      await fsp.writeFile(join(data, 'train.csv'), 'x,y\n1,2\n3,4\n');
      await fsp.rm(join(data, 'images'), { recursive: true });
      await fsp.writeFile(join(data, 'new.txt'), 'added');
      const v2 = await store.capture(data, { label: 'run-one' });
      const second = await describeDataTree(data);

      expect(snapshotVersionOf(v1)).toMatchObject({ dataset: dataset.name, snapshot: 'ds-run-one-1', path: '' });
      expect(snapshotVersionOf(v2)).toMatchObject({ dataset: dataset.name, snapshot: 'ds-run-one-2', path: '' });
      expect(v1.digest).toBeUndefined();
      expect(await store.digestOf(v1)).not.toBe(await store.digestOf(v2));

      const outside = await fsp.mkdtemp(join(tmpdir(), 'ds-zfs-side-by-side-'));
      cleanups.push(() => fsp.rm(outside, { recursive: true, force: true }));
      await store.materialize(v1, join(outside, 'v1'));
      await store.materialize(v2, join(outside, 'v2'));
      expect(await describeDataTree(join(outside, 'v1'))).toEqual(first);
      expect(await describeDataTree(join(outside, 'v2'))).toEqual(second);

      // Clones, not copies: each target is a ZFS file system whose origin is its version's snapshot.
      const clones = await origins(dataset.name);
      const mountpoints = new Map(
        (await zfs.zfs(['list', '-H', '-o', 'name,mountpoint', '-r', dataset.name]))
          .split('\n')
          .filter(Boolean)
          .map((r) => r.split('\t').reverse() as [string, string]),
      );
      expect(clones.get(mountpoints.get(join(outside, 'v1'))!)).toBe(`${dataset.name}@ds-run-one-1`);
      expect(clones.get(mountpoints.get(join(outside, 'v2'))!)).toBe(`${dataset.name}@ds-run-one-2`);
    });

    it('given a FIFO inside the captured directory, when captured, then SpecialFileError names it where the user sees it and the snapshot taken is destroyed', async () => {
      await fsp.mkdir(join(dataset.mountpoint, 'data/sub'), { recursive: true });
      await fsp.writeFile(join(dataset.mountpoint, 'data/a.txt'), 'a');
      execFileSync('mkfifo', [join(dataset.mountpoint, 'data/sub/pipe')]);
      const snapshotsBefore = await zfs.zfs(['list', '-H', '-r', '-t', 'snapshot', '-o', 'name', dataset.name]);

      const error = await store.capture(join(dataset.mountpoint, 'data')).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(SpecialFileError);
      expect(error).toMatchObject({ path: join(await fsp.realpath(dataset.mountpoint), 'data/sub/pipe'), fileKind: 'fifo' });
      expect(await zfs.zfs(['list', '-H', '-r', '-t', 'snapshot', '-o', 'name', dataset.name])).toBe(snapshotsBefore);
    });

    it('given a path resolving through a symlink to a directory named in Latin-1, when captured, then NonUtf8NameError names the resolved path and no snapshot is taken', async () => {
      const target = Buffer.concat([Buffer.from(`${await fsp.realpath(dataset.mountpoint)}/data-`), Buffer.from([0xe9])]);
      await fsp.mkdir(target);
      await fsp.writeFile(Buffer.concat([target, Buffer.from('/a.txt')]), 'a');
      await fsp.symlink(target, join(dataset.mountpoint, 'alias'));

      const error = await store.capture(join(dataset.mountpoint, 'alias')).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(NonUtf8NameError);
      expect((error as NonUtf8NameError).path).toBe(`${await fsp.realpath(dataset.mountpoint)}/data-\\xe9`);
      expect(await zfs.zfs(['list', '-H', '-r', '-t', 'snapshot', '-o', 'name', dataset.name])).toBe('');
    });

    it('given a version sent to another dataset with zfs send | zfs receive, when a store there materializes it, then the bytes and the digest are the same', async () => {
      await fsp.writeFile(join(dataset.mountpoint, 'weights.bin'), Buffer.alloc(50_000, 7));
      const ref = await store.capture(dataset.mountpoint);
      const replicaRoot = await freshDataset('replica');
      cleanups.push(() => replicaRoot.destroy());
      const copy = await store.replicate(ref, `${replicaRoot.name}/received`);
      expect(snapshotVersionOf(copy)).toMatchObject({ dataset: `${replicaRoot.name}/received`, guid: snapshotVersionOf(ref).guid });

      const replica = new ZfsDataStore({ dataset: replicaRoot.name });
      expect(await replica.has(copy)).toBe(true);
      expect(await replica.digestOf(copy)).toBe(await store.digestOf(ref));
      const target = join(replicaRoot.mountpoint, 'restored');
      await replica.materialize(copy, target);
      expect(await fsp.readFile(join(target, 'weights.bin'))).toEqual(Buffer.alloc(50_000, 7));
    });

    describe('bad input', () => {
      it('given a path that is not on the dataset, when captured, then PathNotOnZfsError names the path and the dataset', async () => {
        const elsewhere = await fsp.mkdtemp(join(tmpdir(), 'ds-not-zfs-'));
        cleanups.push(() => fsp.rm(elsewhere, { recursive: true, force: true }));
        const error = await store.capture(elsewhere).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(PathNotOnZfsError);
        expect((error as Error).message).toContain(elsewhere);
        expect((error as Error).message).toContain(dataset.name);
      });

      it('given a missing path, when captured, then DataPathNotFoundError names it', async () => {
        const missing = join(dataset.mountpoint, 'nope');
        await expect(store.capture(missing)).rejects.toBeInstanceOf(DataPathNotFoundError);
      });

      it('given a pool that does not exist, when the store captures, then ZfsPoolNotFoundError names the pool', async () => {
        const absent = new ZfsDataStore({ dataset: 'no-such-pool-for-dotscience/data' });
        const error = await absent.capture(dataset.mountpoint).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ZfsPoolNotFoundError);
        expect((error as Error).message).toContain('no-such-pool-for-dotscience');
      });

      it('given a dataset that does not exist in an existing pool, when the store captures, then ZfsDatasetNotFoundError names it', async () => {
        const absent = new ZfsDataStore({ dataset: `${testParent}/no-such-dataset` });
        const error = await absent.capture(dataset.mountpoint).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ZfsDatasetNotFoundError);
        expect((error as Error).message).toContain(`${testParent}/no-such-dataset`);
      });

      it('given a snapshot destroyed out of band, when materialized or digested, then ZfsSnapshotMissingError names the snapshot and nothing is created', async () => {
        await fsp.writeFile(join(dataset.mountpoint, 'a.txt'), 'a');
        const ref = await store.capture(dataset.mountpoint, { label: 'gone' });
        await zfs.zfs(['destroy', `${dataset.name}@ds-gone-1`]);
        const target = join(dataset.mountpoint, 'restored');
        const error = await store.materialize(ref, target).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ZfsSnapshotMissingError);
        expect((error as Error).message).toContain(`${dataset.name}@ds-gone-1`);
        await expect(fsp.lstat(target)).rejects.toThrow(/ENOENT/);
        await expect(store.digestOf(ref)).rejects.toBeInstanceOf(ZfsSnapshotMissingError);
        expect(await store.has(ref)).toBe(false);
      });

      it('given a snapshot re-created under the same name, when materialized, then the guid tells it is not the captured one', async () => {
        await fsp.writeFile(join(dataset.mountpoint, 'a.txt'), 'a');
        const ref = await store.capture(dataset.mountpoint, { label: 'swap' });
        await zfs.zfs(['destroy', `${dataset.name}@ds-swap-1`]);
        await zfs.zfs(['snapshot', `${dataset.name}@ds-swap-1`]);
        await expect(store.materialize(ref, join(dataset.mountpoint, 'restored'))).rejects.toThrow(/not the captured one/);
      });

      it('given a zfs command run without privileges, when capturing, then ZfsPermissionError says how to grant them', async () => {
        const unprivileged = new ZfsDataStore({
          dataset: dataset.name,
          programs: { zfs: ['runuser', '-u', 'nobody', '--', 'zfs'], zpool: ['runuser', '-u', 'nobody', '--', 'zpool'] },
        });
        const error = await unprivileged.capture(dataset.mountpoint).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ZfsPermissionError);
        expect((error as Error).message).toMatch(/zfs allow/);
      });

      it('given a ref of another store, when materialized, then the error says which store captured it', async () => {
        const foreign: VersionRef = { store: 'fs', kind: 'file', bytes: 1, files: 1, digest: `sha256:${'0'.repeat(64)}` };
        await expect(store.materialize(foreign, join(dataset.mountpoint, 'x'))).rejects.toThrow(/captured by the "fs" store/);
      });
    });
  });
}
