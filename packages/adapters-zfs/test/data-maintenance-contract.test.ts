import { dataMaintenanceContract } from '@dotscience/core/testing';
import { ZfsDataMaintenance, ZfsDataStore } from '../src/index.js';
import { freshDataset, reportZfsAvailability } from './zfs-test-pool.js';

if (reportZfsAvailability()) {
  dataMaintenanceContract('ZfsDataMaintenance on a real pool', async () => {
    const dataset = await freshDataset('maintenance');
    const store = new ZfsDataStore({ dataset: dataset.name });
    return { store, maintenance: new ZfsDataMaintenance(store), workspaceDirectory: dataset.mountpoint, cleanup: () => dataset.destroy() };
  });
}
