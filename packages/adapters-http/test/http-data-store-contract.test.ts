import { dataStoreContract } from '@dotscience/core/testing';
import { HttpDataStore } from '../src/index.js';
import { startHub } from './hub-fixture.js';

dataStoreContract('HttpDataStore over a hub backed by FsDataStore', async () => {
  const hub = await startHub();
  const store = new HttpDataStore({ url: hub.url, token: await hub.token('contract') });
  return { store, cleanup: () => hub.cleanup() };
});
