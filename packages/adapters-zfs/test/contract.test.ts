import { dataStoreContract } from '@dotscience/core/testing';
import { ZfsDataStore } from '../src/index.js';
import { freshDataset, reportZfsAvailability, zfs } from './zfs-test-pool.js';

if (reportZfsAvailability()) {
  dataStoreContract('ZfsDataStore on a real pool', async () => {
    const dataset = await freshDataset('contract');
    return {
      store: new ZfsDataStore({ dataset: dataset.name }),
      workspaceDirectory: dataset.mountpoint,
      // Every snapshot, clone and file system below the dataset, with what dotscience recorded on each.
      storedState: async () => {
        const names = (await zfs.zfs(['list', '-H', '-r', '-t', 'all', '-o', 'name', dataset.name])).split('\n').filter(Boolean).sort();
        const recorded = (await zfs.zfs(['get', '-H', '-s', 'local', '-o', 'name,property,value', 'all', ...names])).split('\n').sort();
        return { names, recorded };
      },
      cleanup: () => dataset.destroy(),
    };
  });
}
