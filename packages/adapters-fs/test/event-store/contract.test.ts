import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventStoreContract } from '@dotscience/core/testing';
import { FsEventStore, type FsEventStoreOptions } from '../../src/event-store/index.js';

function contractFor(name: string, options: FsEventStoreOptions): void {
  eventStoreContract(name, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ds-event-store-contract-'));
    const opened = async (): Promise<FsEventStore> => {
      const store = await FsEventStore.open(dir, options);
      // Until the worker runs, work meant for it is done here: a run about the worker's path waits for it.
      if (options.sealOnWorkerFromEvents || options.verifyOnWorkerFromRecords) await store.startWorker();
      return store;
    };
    let store = await opened();
    return {
      store,
      reopen: async () => {
        await store.close();
        store = await opened();
        return store;
      },
      cleanup: async () => {
        await store.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  });
}

contractFor('FsEventStore', {});
// Large appends are sealed, and large reads' chunks checked, on a worker thread; here every one is, so the whole contract covers those paths too.
contractFor('FsEventStore, every append sealed and every read checked on the worker thread', { sealOnWorkerFromEvents: 1, verifyOnWorkerFromRecords: 1 });
