import { eventStoreContract } from '@dotscience/core/testing';
import { HttpEventStore } from '../src/index.js';
import { startHub } from './hub-fixture.js';

eventStoreContract('HttpEventStore over a hub backed by FsEventStore', async () => {
  const hub = await startHub({ admitAnyEvent: true }); // probe events, not domain events: the store contract over HTTP
  const token = await hub.token('contract');
  let store = new HttpEventStore({ url: hub.url, token });
  return {
    store,
    reopen: async () => {
      await store.close();
      await hub.restart();
      store = new HttpEventStore({ url: hub.url, token });
      return store;
    },
    cleanup: async () => {
      await store.close();
      await hub.cleanup();
    },
  };
});
