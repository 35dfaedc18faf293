import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { it } from 'vitest';
import { ZfsCommands, ZfsDatasets } from '../src/index.js';

/**
 * The ZFS tests run against a real pool named by `DOTSCIENCE_ZFS_TEST_DATASET`
 * (a dataset the tests may create children in, e.g. the root of a file-backed
 * pool that `.ci/run` creates). Without it they are skipped with one visible
 * reason; with `DOTSCIENCE_ZFS_TESTS=required` (CI) a missing or unusable ZFS
 * is a failure instead.
 */
export const TEST_DATASET_VARIABLE = 'DOTSCIENCE_ZFS_TEST_DATASET';
export const REQUIRED_VARIABLE = 'DOTSCIENCE_ZFS_TESTS';

export const zfs = new ZfsCommands();

export interface TestDataset {
  name: string;
  mountpoint: string;
  /** Destroy it with everything below it and every clone made from its snapshots. */
  destroy(): Promise<void>;
}

async function probe(): Promise<{ parent: string } | { reason: string }> {
  const parent = process.env[TEST_DATASET_VARIABLE];
  if (!parent) return { reason: `${TEST_DATASET_VARIABLE} is not set (point it at a ZFS dataset the tests may create children in; .ci/run does)` };
  try {
    await zfs.zfs(['get', '-H', '-o', 'value', 'mounted', parent]);
    return { parent };
  } catch (err) {
    return { reason: `ZFS dataset ${parent} is not usable: ${(err as Error).message}` };
  }
}

const probed = await probe();

/** The parent dataset, or undefined when the ZFS tests are skipped. */
export const testParent: string | undefined = 'parent' in probed ? probed.parent : undefined;

/**
 * Call once per test file at top level: when ZFS is unavailable it registers
 * the one line that says why the file's tests were skipped (or, when ZFS is
 * required, a failing test).
 */
export function reportZfsAvailability(): boolean {
  if ('parent' in probed) return true;
  if (process.env[REQUIRED_VARIABLE] === 'required') {
    it(`ZFS is available (${REQUIRED_VARIABLE}=required)`, () => {
      throw new Error(probed.reason);
    });
  } else {
    console.warn(`ZFS tests skipped: ${probed.reason}`);
    it.skip(`ZFS tests skipped: ${probed.reason}`, () => undefined);
  }
  return false;
}

/** A fresh child dataset of the test parent, mounted. */
export async function freshDataset(prefix = 't'): Promise<TestDataset> {
  if (testParent === undefined) throw new Error('no ZFS test dataset');
  const name = `${testParent}/${prefix}-${randomBytes(5).toString('hex')}`;
  await zfs.zfs(['create', name]);
  const mountpoint = (await zfs.zfs(['get', '-H', '-o', 'value', 'mountpoint', name])).trim();
  return {
    name,
    mountpoint,
    destroy: async () => {
      await new ZfsDatasets(zfs).destroy(name, { withClones: true });
      await fsp.rm(mountpoint, { recursive: true, force: true });
    },
  };
}
