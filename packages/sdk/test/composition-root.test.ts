import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreDbEventStore } from '@dotscience/adapters-eventstore';
import { FsDataMaintenance, FsDataStore, FsEventStore } from '@dotscience/adapters-fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreNotFoundError, openDotscience } from '../src/index.js';

describe('composition root', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'ds-root-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('given a config file, an environment variable or an option naming a store that does not exist, when opened for writing, then StoreNotFoundError names the path and where it was set, and nothing is created', async () => {
    await mkdir(join(root, '.dotscience'));
    const configFile = join(root, '.dotscience', 'config.json');
    await writeFile(configFile, JSON.stringify({ store: 'file:./.dotscinece' }));
    const mistyped = join(root, '.dotscinece');
    const refused = await openDotscience({ cwd: root, env: {}, hashWorkers: 1 }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StoreNotFoundError);
    expect(refused).toMatchObject({ directory: mistyped, source: configFile });
    expect((refused as Error).message).toContain(`correct "store" in ${configFile}`);
    expect(existsSync(mistyped)).toBe(false);

    const elsewhere = join(root, 'nowhere');
    await expect(openDotscience({ cwd: root, env: { DOTSCIENCE_STORE: elsewhere }, hashWorkers: 1 })).rejects.toThrow(
      /no dotscience store at .*nowhere — run ds init here, or correct DOTSCIENCE_STORE/,
    );
    await expect(openDotscience({ cwd: root, env: {}, settings: { store: `file:${elsewhere}` }, hashWorkers: 1 })).rejects.toThrow(/correct --store/);
    expect(existsSync(elsewhere)).toBe(false);

    // Creating is asked for explicitly (ds init, the target of ds migrate, ds import).
    const created = await openDotscience({ cwd: root, env: {}, hashWorkers: 1, createStore: true });
    await created.close();
    expect(existsSync(join(mistyped, 'events'))).toBe(true);
    const reopened = await openDotscience({ cwd: root, env: {}, hashWorkers: 1 });
    await reopened.close();
  });

  it('given no configuration at all, when a script opens the stores, then the default ./.dotscience is created as before', async () => {
    const ds = await openDotscience({ cwd: root, env: {}, hashWorkers: 1 });
    await ds.close();
    expect(existsSync(join(root, '.dotscience', 'events'))).toBe(true);
  });

  it('given the default configuration, when opened, then the fs adapters serve the ports and close releases the writer lock', async () => {
    const ds = await openDotscience({ cwd: root, env: {}, hashWorkers: 1 });
    expect(ds.events).toBeInstanceOf(FsEventStore);
    expect(ds.data).toBeInstanceOf(FsDataStore);
    await ds.events.append(
      'project-default',
      [{ id: ds.ids.newId(), type: 'ProjectCreated', schemaVersion: 1, data: { id: 'default', name: 'default' }, meta: {} }],
      { expectedRevision: 'no_stream' },
    );
    await writeFile(join(root, 'x.txt'), 'x');
    expect((await ds.data.capture(join(root, 'x.txt'))).store).toBe('fs');
    await ds.close();
    const again = await openDotscience({ cwd: root, env: {}, hashWorkers: 1 });
    let count = 0;
    for await (const _ of again.events.readAll()) count++;
    expect(count).toBe(1);
    await again.close();
  });

  it('given the default configuration, when opened, then the fs store is also the ObjectStorage and its DataMaintenance is the only upkeep, and no container is handed out', async () => {
    const ds = await openDotscience({ cwd: root, env: {}, hashWorkers: 1 });
    expect(ds.objects).toBe(ds.data);
    expect(ds.maintenance.map((m) => m.kind)).toEqual(['fs']);
    expect(ds.maintenance[0]).toBeInstanceOf(FsDataMaintenance);
    expect('container' in ds).toBe(false);
    await ds.close();
  });

  it('given a hub for events and data, when opened, then the hub client hands out objects and there is no local upkeep', async () => {
    const ds = await openDotscience({ cwd: root, env: { DOTSCIENCE_HUB: 'http://127.0.0.1:1', DOTSCIENCE_TOKEN: 'not-checked-until-used' } });
    expect(ds.objects).toBe(ds.data);
    expect(ds.data.kind).toBe('hub');
    expect(ds.maintenance).toEqual([]);
    await ds.close();
  });

  it('given a KurrentDB store, when opened, then an EventStoreDbEventStore serves EventStore (it connects on first use)', async () => {
    const ds = await openDotscience({
      cwd: root,
      env: { DOTSCIENCE_STORE: 'kurrentdb://127.0.0.1:1?tls=false', DOTSCIENCE_DATA: join(root, 'data') },
      hashWorkers: 1,
    });
    expect(ds.events).toBeInstanceOf(EventStoreDbEventStore);
    await ds.close();
  });

  it('given a hub without a token or ZFS data on a missing pool, when opened, then a clear error names what is missing and nothing is opened', async () => {
    await expect(openDotscience({ cwd: root, env: { DOTSCIENCE_HUB: 'http://127.0.0.1:1' } })).rejects.toThrow(/token.*DOTSCIENCE_TOKEN/);
    await expect(openDotscience({ cwd: root, env: { DOTSCIENCE_DATA: 'zfs:no-such-pool-for-dotscience/x' } })).rejects.toThrow(
      /ZFS pool no-such-pool-for-dotscience does not exist|cannot run zfs: it is not installed|cannot reach ZFS/,
    );
    expect(existsSync(join(root, '.dotscience'))).toBe(false);
  });
});
