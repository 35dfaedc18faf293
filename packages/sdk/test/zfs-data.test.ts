import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { snapshotVersionOf } from '@dotscience/adapters-zfs';
import { VersionRefSchema, type VersionRef } from '@dotscience/core';
import { collectUnreferencedData, DotscienceClient, openDotscience, type Dotscience } from '../src/index.js';
// The shared real-pool fixture of the ZFS adapter's tests (skips, or fails in CI, with one reason line).
import { freshDataset, reportZfsAvailability, zfs, type TestDataset } from '../../adapters-zfs/test/zfs-test-pool.js';

const originOf = async (mountpoint: string, root: string): Promise<string | undefined> => {
  const rows = (await zfs.zfs(['get', '-H', '-r', '-o', 'name,property,value', 'mountpoint,origin', root]))
    .split('\n')
    .filter(Boolean)
    .map((r) => r.split('\t'));
  const name = rows.find(([, property, value]) => property === 'mountpoint' && value === mountpoint)?.[0];
  return rows.find(([n, property]) => n === name && property === 'origin')?.[2];
};

if (reportZfsAvailability()) {
  describe('DOTSCIENCE_DATA=zfs:pool/dataset: ZFS for the big dataset directory, fs for everything else', () => {
    let dataset: TestDataset;
    let project: string;
    let opened: Dotscience;

    beforeEach(async () => {
      dataset = await freshDataset('sdk');
      project = await mkdtemp(join(tmpdir(), 'ds-sdk-zfs-'));
      opened = await openDotscience({ cwd: project, env: { DOTSCIENCE_DATA: `zfs:${dataset.name}` }, hashWorkers: 1 });
    });
    afterEach(async () => {
      await opened.close();
      await dataset.destroy();
      await rm(project, { recursive: true, force: true });
    });

    const inputsOf = async (runId: string): Promise<VersionRef[]> => {
      const refs: VersionRef[] = [];
      for await (const e of opened.events.readStream(`run-${runId}`))
        if (e.type === 'InputDeclared') refs.push(VersionRefSchema.parse((e.data as { version: unknown }).version));
      return refs;
    };

    it('given a run with an input on the dataset and a small input elsewhere, when published, then the big one is a ZFS snapshot, the small one an fs object, and the big one comes back as a clone', async () => {
      await writeFile(join(dataset.mountpoint, 'images.bin'), Buffer.alloc(100_000, 3));
      await writeFile(join(project, 'params.json'), '{"depth":3}');
      const client = new DotscienceClient(opened);
      client.input(dataset.mountpoint);
      client.input(join(project, 'params.json'));
      const { runId } = await client.publish();

      const [big, small] = await inputsOf(runId);
      expect(big).toMatchObject({ store: 'zfs', kind: 'directory', bytes: 100_000, files: 1 });
      expect(snapshotVersionOf(big!).dataset).toBe(dataset.name);
      expect(small).toMatchObject({ store: 'fs', kind: 'file' });

      const target = join(project, 'reproduced', 'images');
      await opened.data.materialize(big!, target);
      expect(await readFile(join(target, 'images.bin'))).toEqual(Buffer.alloc(100_000, 3));
      expect(await originOf(target, dataset.name)).toBe(`${dataset.name}@${snapshotVersionOf(big!).snapshot}`);
      await opened.data.materialize(small!, join(project, 'reproduced', 'params.json'));
      expect(await readFile(join(project, 'reproduced', 'params.json'), 'utf8')).toBe('{"depth":3}');
    });

    it('given a referenced version and an unreferenced one with a clone, when gc runs, then a dry run destroys nothing and a real run destroys exactly the unreferenced snapshot and its clone', async () => {
      await writeFile(join(dataset.mountpoint, 'a.txt'), 'kept');
      const client = new DotscienceClient(opened);
      client.input(dataset.mountpoint);
      const { runId } = await client.publish();
      const [kept] = await inputsOf(runId);
      await writeFile(join(dataset.mountpoint, 'a.txt'), 'dropped');
      const dropped = await opened.data.capture(dataset.mountpoint, { label: 'orphan' });
      await opened.data.materialize(dropped, join(project, 'orphan-copy'));
      await opened.data.materialize(kept!, join(project, 'kept-copy'));
      const snapshot = (ref: VersionRef): string => `${dataset.name}@${snapshotVersionOf(ref).snapshot}`;

      const dry = await collectUnreferencedData(opened, { dryRun: true });
      expect(dry.zfs).toMatchObject({ versionsReferenced: 1, snapshotsKept: 1, snapshotsRemoved: [snapshot(dropped)] });
      expect(dry.zfs!.clonesRemoved).toHaveLength(1);
      expect(await opened.data.has(dropped)).toBe(true);

      const real = await collectUnreferencedData(opened);
      expect(real.zfs).toMatchObject({ snapshotsKept: 1, snapshotsRemoved: [snapshot(dropped)], clonesRemoved: dry.zfs!.clonesRemoved });
      expect(await opened.data.has(dropped)).toBe(false);
      expect(await opened.data.has(kept!)).toBe(true);
      expect(await readFile(join(project, 'kept-copy', 'a.txt'), 'utf8')).toBe('kept');
    });
  });
}
