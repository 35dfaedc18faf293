import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsDataStore } from '@dotscience/adapters-fs';
import { dataStoreContract, describeDataTree } from '@dotscience/core/testing';
import { PathRoutedDataStore } from '../../src/index.js';

/**
 * The DataStore contract for a per-path mix: every capture goes to the store
 * that holds its path and every read to the store that made the ref. Two fs
 * stores in separate directories stand in for ZFS and the fs store beside it (a
 * ZFS route makes refs of another kind than the mix, which the contract
 * requires of a single store; that mix runs in test/zfs-data.test.ts).
 */
async function mix(route: 'holds every path' | 'none') {
  const directory = await mkdtemp(join(tmpdir(), 'ds-path-routed-'));
  const routed = new FsDataStore({ directory: join(directory, 'routed'), workers: 1 });
  const fallback = new FsDataStore({ directory: join(directory, 'fallback'), workers: 1 });
  // Two stores of one kind cannot share a mix (a ref goes back by its kind): without a route, only the default store is there.
  const store = new PathRoutedDataStore(route === 'none' ? [] : [{ store: routed, holds: async () => true }], fallback);
  return {
    store,
    storedState: () => describeDataTree(directory),
    cleanup: async () => {
      await Promise.all([routed.close(), fallback.close()]);
      await rm(directory, { recursive: true, force: true });
    },
  };
}

dataStoreContract('PathRoutedDataStore, every path held by its route', () => mix('holds every path'));
dataStoreContract('PathRoutedDataStore without routes (the default store)', () => mix('none'));
