import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataStoreContract, describeDataTree } from '@dotscience/core/testing';
import { FsDataStore } from '../../src/data-store/index.js';

async function fsDataStore(options: { workers?: number; useWorkers?: boolean } = {}) {
  const directory = await mkdtemp(join(tmpdir(), 'ds-fs-data-store-'));
  const store = new FsDataStore({ directory, ...options });
  return {
    store,
    storedState: () => describeDataTree(directory),
    cleanup: async () => {
      await store.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

dataStoreContract('FsDataStore', () => fsDataStore());
dataStoreContract('FsDataStore hashing on worker threads', () => fsDataStore({ workers: 2, useWorkers: true }));
