import 'reflect-metadata';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CheckpointStore,
  Clock,
  CodeInspector,
  DataMaintenance,
  DataStore,
  Environment,
  EventStore,
  IdGenerator,
  ObjectStorage,
  ReceiptLedger,
  ReceiptSigner,
} from '@dotscience/core';
import { Container } from 'inversify';
import { afterEach, describe, expect, it } from 'vitest';
import {
  FsDataMaintenance,
  FsDataStore,
  FsEventStore,
  FsReceiptLedger,
  GitCodeInspector,
  KeyFileReceiptSigner,
  fsCheckpointStoreModule,
  fsDataStoreModule,
  fsEventStoreModule,
  fsReceiptLedgerModule,
  gitCodeInspectorModule,
  keyFileReceiptSignerModule,
  workstationModule,
} from '../src/index.js';
import { collect, metricEvent, tempStoreDir } from './event-store/fixtures.js';

describe('adapters-fs container modules', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  async function containerIn(): Promise<{ container: Container; dir: string }> {
    const { dir, cleanup } = await tempStoreDir();
    cleanups.push(cleanup);
    const container = new Container();
    container.load(
      fsEventStoreModule(join(dir, 'events')),
      fsDataStoreModule({ directory: join(dir, 'data'), workers: 1 }),
      fsCheckpointStoreModule(join(dir, 'checkpoints')),
      workstationModule(),
      gitCodeInspectorModule(),
      fsReceiptLedgerModule(join(dir, 'receipts')),
      keyFileReceiptSignerModule(join(dir, 'keys', 'anchor.pem')),
    );
    return { container, dir };
  }

  it('given the fs modules, when every port is resolved, then each is the fs adapter and stores are singletons', async () => {
    const { container } = await containerIn();
    const events = await container.getAsync<EventStore>(EventStore);
    expect(events).toBeInstanceOf(FsEventStore);
    expect(await container.getAsync<EventStore>(EventStore)).toBe(events);
    const data = await container.getAsync<DataStore>(DataStore);
    expect(data).toBeInstanceOf(FsDataStore);
    expect(container.get<ObjectStorage>(ObjectStorage)).toBe(data);
    const maintenance = container.getAll<DataMaintenance>(DataMaintenance);
    expect(maintenance).toHaveLength(1);
    expect(maintenance[0]).toBeInstanceOf(FsDataMaintenance);
    expect(typeof container.get<Clock>(Clock).now()).toBe('string');
    expect(container.get<IdGenerator>(IdGenerator).newId()).toMatch(/^[0-9a-f-]{36}$/);
    expect(container.get<CodeInspector>(CodeInspector)).toBeInstanceOf(GitCodeInspector);
    expect(container.get<Environment>(Environment)).toBeDefined();
    expect(container.get<CheckpointStore>(CheckpointStore)).toBeDefined();
    await container.unbindAllAsync();
  });

  it('given the receipt modules, when resolved, then the ledger keeps its files in the configured directory and the signer its key in the configured file', async () => {
    const { container, dir } = await containerIn();
    const ledger = container.get<ReceiptLedger>(ReceiptLedger);
    expect(ledger).toBeInstanceOf(FsReceiptLedger);
    expect((ledger as FsReceiptLedger).dir).toBe(join(dir, 'receipts'));
    const signer = await container.getAsync<ReceiptSigner>(ReceiptSigner);
    expect(signer).toBeInstanceOf(KeyFileReceiptSigner);
    expect(await container.getAsync<ReceiptSigner>(ReceiptSigner)).toBe(signer);
    expect((await KeyFileReceiptSigner.fromKeyFile(join(dir, 'keys', 'anchor.pem'))).publicKey).toBe(signer.publicKey);
    await container.unbindAllAsync();
  });

  it('given resolved stores, when the container is unbound, then the event store is closed and its writer lock released', async () => {
    const { container, dir } = await containerIn();
    const events = await container.getAsync<EventStore>(EventStore);
    await events.append('run-1', [metricEvent(0)], { expectedRevision: 'no_stream' });
    await container.unbindAllAsync();
    const reopened = await FsEventStore.open(join(dir, 'events'));
    expect(await collect(reopened.readStream('run-1'))).toHaveLength(1);
    await reopened.close();
  });

  it('given the data module, when a file is captured through the container, then its object is in the configured directory', async () => {
    const { container, dir } = await containerIn();
    const data = await container.getAsync<DataStore>(DataStore);
    await mkdir(join(dir, 'work'));
    await writeFile(join(dir, 'work', 'a.csv'), 'x,y\n1,2\n');
    const ref = await data.capture(join(dir, 'work', 'a.csv'));
    expect(ref.store).toBe('fs');
    expect(await new FsDataStore({ directory: join(dir, 'data'), workers: 1 }).has(ref)).toBe(true);
    await container.unbindAllAsync();
  });

  it('given the data module bound by name, when resolved, then the store is found by that name only and is not the ObjectStorage of the deployment', async () => {
    const { dir, cleanup } = await tempStoreDir();
    cleanups.push(cleanup);
    const container = new Container();
    container.load(fsDataStoreModule({ directory: join(dir, 'data'), workers: 1 }, { name: 'beside-zfs' }));
    expect(await container.getAsync<DataStore>(DataStore, { name: 'beside-zfs' })).toBeInstanceOf(FsDataStore);
    expect(container.isBound(ObjectStorage)).toBe(false);
    expect((await container.getAllAsync<DataMaintenance>(DataMaintenance)).map((m) => m.kind)).toEqual(['fs']);
    await container.unbindAllAsync();
  });
});
