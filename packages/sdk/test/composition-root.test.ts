import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreDbEventStore } from '@dotscience/adapters-eventstore';
import { FsDataStore, FsEventStore } from '@dotscience/adapters-fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdapterUnavailableError, openDotscience } from '../src/index.js';

describe('composition root', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'ds-root-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('given the default configuration, when opened, then the fs adapters serve the ports and close releases the writer lock', async () => {
    const ds = await openDotscience({ cwd: root, env: {}, hashWorkers: 1 });
    expect(ds.events).toBeInstanceOf(FsEventStore);
    expect(ds.data).toBeInstanceOf(FsDataStore);
    await ds.events.append('project-default', [{ id: ds.ids.newId(), type: 'ProjectCreated', schemaVersion: 1, data: { id: 'default', name: 'default' }, meta: {} }], { expectedRevision: 'no_stream' });
    await writeFile(join(root, 'x.txt'), 'x');
    expect((await ds.data.capture(join(root, 'x.txt'))).store).toBe('fs');
    await ds.close();
    const again = await openDotscience({ cwd: root, env: {}, hashWorkers: 1 });
    let count = 0;
    for await (const _ of again.events.readAll()) count++;
    expect(count).toBe(1);
    await again.close();
  });

  it('given a KurrentDB store, when opened, then an EventStoreDbEventStore serves EventStore (it connects on first use)', async () => {
    const ds = await openDotscience({ cwd: root, env: { DOTSCIENCE_STORE: 'kurrentdb://127.0.0.1:1?tls=false', DOTSCIENCE_DATA: join(root, 'data') }, hashWorkers: 1 });
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
