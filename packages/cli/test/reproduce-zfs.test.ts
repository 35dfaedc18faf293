import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { snapshotVersionOf } from '../../adapters-zfs/src/index.js';
import { VersionRefSchema } from '@dotscience/core';
import { DotscienceClient, openDotscience } from '@dotscience/sdk';
// The shared real-pool fixture of the ZFS adapter's tests (skips, or fails in CI, with one reason line).
import { freshDataset, reportZfsAvailability, zfs, type TestDataset } from '../../adapters-zfs/test/zfs-test-pool.js';
import { ds } from './fixtures/cli-process.js';

/** The dataset mounted at `mountpoint` below `root`, and the snapshot it was cloned from (empty for a plain dataset or a copy). */
async function mountedFrom(mountpoint: string, root: string): Promise<string | undefined> {
  const rows = (await zfs.zfs(['get', '-H', '-r', '-o', 'name,property,value', 'mountpoint,origin', root]))
    .split('\n')
    .filter(Boolean)
    .map((r) => r.split('\t'));
  const name = rows.find(([, property, value]) => property === 'mountpoint' && value === mountpoint)?.[0];
  return rows.find(([n, property]) => n === name && property === 'origin')?.[2];
}

if (reportZfsAvailability()) {
  describe('ds reproduce with DOTSCIENCE_DATA=zfs:pool/dataset', () => {
    let dataset: TestDataset;
    let project: string;
    let scratch: string;

    beforeEach(async () => {
      dataset = await freshDataset('cli-reproduce');
      project = await mkdtemp(join(tmpdir(), 'ds-cli-zfs-'));
      scratch = await mkdtemp(join(tmpdir(), 'ds-cli-zfs-out-'));
    });
    afterEach(async () => {
      await dataset.destroy();
      await rm(project, { recursive: true, force: true });
      await rm(scratch, { recursive: true, force: true });
    });

    it('given a run whose input is a ZFS dataset, when reproduced, then the input is a clone of the captured snapshot with the captured bytes, not a copy', async () => {
      const env = { DOTSCIENCE_DATA: `zfs:${dataset.name}` };
      await writeFile(join(dataset.mountpoint, 'images.bin'), Buffer.alloc(200_000, 7));
      const opened = await openDotscience({ cwd: project, env, hashWorkers: 1 });
      const client = new DotscienceClient(opened);
      client.input(dataset.mountpoint);
      const { runId } = await client.publish();
      let captured: ReturnType<typeof VersionRefSchema.parse> | undefined;
      for await (const e of opened.events.readStream(`run-${runId}`))
        if (e.type === 'InputDeclared') captured = VersionRefSchema.parse((e.data as { version: unknown }).version);
      await opened.close();
      // The live dataset moves on after the run: reproduce must give the captured version back.
      await writeFile(join(dataset.mountpoint, 'images.bin'), 'changed after the run');

      const target = join(scratch, 'reproduction');
      const result = ds(['reproduce', runId, target, '--json'], { cwd: project, env });
      expect(result.code, result.stderr).toBe(0);
      const reproducedInput = join(target, 'absolute', dataset.mountpoint);
      expect(await readFile(join(reproducedInput, 'images.bin'))).toEqual(Buffer.alloc(200_000, 7));
      expect(await mountedFrom(reproducedInput, dataset.name)).toBe(`${dataset.name}@${snapshotVersionOf(captured!).snapshot}`);

      // The run references its snapshot, and the reproduction's clone of it: gc keeps both and says so for ZFS too.
      const gc = ds(['gc', '--dry-run'], { cwd: project, env });
      expect(gc.code, gc.stderr).toBe(0);
      expect(gc.stdout).toMatch(/^zfs: would remove 0 snapshots and 0 clones; kept 1 snapshots of 1 referenced versions$/m);
    });
  });
}
