import { objectStorageContract } from '@dotscience/core/testing';
import { HttpDataStore } from '../src/index.js';
import { startHub } from './hub-fixture.js';

objectStorageContract('HttpDataStore over a hub backed by FsDataStore', async () => {
  const hub = await startHub();
  const store = new HttpDataStore({ url: hub.url, token: await hub.token('objects') });
  return { objects: store, store, cleanup: () => hub.cleanup() };
});
