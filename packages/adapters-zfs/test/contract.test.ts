import { dataStoreContract } from '@dotscience/core/testing';
import { ZfsDataStore } from '../src/index.js';
import { freshDataset, reportZfsAvailability } from './zfs-test-pool.js';

if (reportZfsAvailability()) {
  dataStoreContract('ZfsDataStore on a real pool', async () => {
    const dataset = await freshDataset('contract');
    return { store: new ZfsDataStore({ dataset: dataset.name }), workspaceDirectory: dataset.mountpoint, cleanup: () => dataset.destroy() };
  });
}
