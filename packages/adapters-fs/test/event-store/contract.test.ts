import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventStoreContract } from '@dotscience/core/testing';
import { FsEventStore } from '../../src/event-store/index.js';

eventStoreContract('FsEventStore', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ds-event-store-contract-'));
  let store = await FsEventStore.open(dir);
  return {
    store,
    reopen: async () => {
      await store.close();
      store = await FsEventStore.open(dir);
      return store;
    },
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
