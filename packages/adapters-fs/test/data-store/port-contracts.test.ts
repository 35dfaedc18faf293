import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataWorkspace, dataMaintenanceContract, objectStorageContract, treeSourceContract } from '@dotscience/core/testing';
import { FsDataMaintenance, FsDataStore } from '../../src/data-store/index.js';
import { LocalTree } from '../../src/data-store/tree-scan.js';

async function fsDataStore() {
  const directory = await mkdtemp(join(tmpdir(), 'ds-fs-ports-'));
  const store = new FsDataStore({ directory, workers: 1 });
  const cleanup = async () => {
    await store.close();
    await rm(directory, { recursive: true, force: true });
  };
  return { store, cleanup };
}

objectStorageContract('FsDataStore', async () => {
  const { store, cleanup } = await fsDataStore();
  return { objects: store, store, cleanup };
});

dataMaintenanceContract('FsDataMaintenance', async () => {
  const { store, cleanup } = await fsDataStore();
  return { store, maintenance: new FsDataMaintenance(store), cleanup };
});

treeSourceContract('LocalTree (what FsDataStore captures through)', async (tree) => {
  const ws = await DataWorkspace.create('ds-fs-tree-source-');
  return { source: new LocalTree(), root: await ws.write('tree', tree), cleanup: () => ws.cleanup() };
});
