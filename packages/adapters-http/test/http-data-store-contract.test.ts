import { join } from 'node:path';
import { dataStoreContract, describeDataTree } from '@dotscience/core/testing';
import { HttpDataStore } from '../src/index.js';
import { startHub } from './hub-fixture.js';

dataStoreContract('HttpDataStore over a hub backed by FsDataStore', async () => {
  const hub = await startHub();
  const store = new HttpDataStore({ url: hub.url, token: await hub.token('contract') });
  return { store, storedState: () => describeDataTree(join(hub.root, 'data')), cleanup: () => hub.cleanup() };
});
