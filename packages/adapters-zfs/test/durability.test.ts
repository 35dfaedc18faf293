import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZfsCommandError, ZfsDataStore, type ZfsDurabilityWarning } from '../src/index.js';
import { freshDataset, reportZfsAvailability, zfs, type TestDataset } from './zfs-test-pool.js';

if (reportZfsAvailability()) {
  describe('sync=disabled is reported as a durability warning', () => {
    let dataset: TestDataset;
    beforeEach(async () => {
      dataset = await freshDataset('sync');
    });
    afterEach(() => dataset.destroy());

    it('given a child dataset with sync=disabled (where this ZFS has the property), when the store opens, then one warning names it; a ZFS without the property gives none', async () => {
      await zfs.zfs(['create', `${dataset.name}/fast`]);
      const supportsSync = await zfs.zfs(['set', 'sync=disabled', `${dataset.name}/fast`]).then(
        () => true,
        (err: unknown) => {
          if (err instanceof ZfsCommandError && /invalid property 'sync'/.test(err.detail)) return false;
          throw err;
        },
      );
      const warnings: ZfsDurabilityWarning[] = [];
      await new ZfsDataStore({ dataset: dataset.name, onWarning: (w) => warnings.push(w) }).open();
      if (supportsSync) {
        expect(warnings.map((w) => w.dataset)).toEqual([`${dataset.name}/fast`]);
        expect(warnings[0]!.message).toMatch(/sync=disabled.*zfs set sync=standard/);
      } else expect(warnings).toEqual([]);
    });
  });
}
