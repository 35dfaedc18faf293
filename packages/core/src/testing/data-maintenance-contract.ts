import { afterEach, describe, expect, it } from 'vitest';
import type { VersionRef } from '../events/catalogue.js';
import type { DataMaintenance, GarbageCollected } from '../ports/data-maintenance.js';
import type { DataStore } from '../ports/data-store.js';
import { DataWorkspace } from './data-workspace.js';

export interface DataMaintenanceFixture {
  store: DataStore;
  /** The upkeep of `store`. */
  maintenance: DataMaintenance;
  /** Where captured data is written (default: the OS temp directory); ZFS names its dataset's mountpoint. */
  workspaceDirectory?: string;
  cleanup: () => Promise<void>;
}

/** How many things a collection removed (or would remove), whatever the store holds. */
const removed = (result: GarbageCollected): number =>
  result.holds === 'objects' ? result.objectsRemoved : result.snapshotsRemoved.length + result.clonesRemoved.length;

/**
 * The `DataMaintenance` contract: a collection keeps every referenced version
 * whole and removes what no reference needs; a dry run only counts; content
 * verification of a healthy store finds nothing corrupt.
 */
export function dataMaintenanceContract(name: string, factory: () => Promise<DataMaintenanceFixture>): void {
  describe(`DataMaintenance contract: ${name}`, () => {
    let fixture: DataMaintenanceFixture | undefined;
    let ws: DataWorkspace | undefined;
    const given = async (): Promise<DataMaintenanceFixture & { kept: VersionRef; dropped: VersionRef; workspace: DataWorkspace }> => {
      fixture = await factory();
      const workspace = (ws = await DataWorkspace.create('ds-data-maintenance-', fixture.workspaceDirectory));
      const kept = await fixture.store.capture(await workspace.write('kept', { 'train.csv': 'x,y\n1,2\n', 'notes/readme.md': 'kept' }), { label: 'kept' });
      const dropped = await fixture.store.capture(await workspace.write('dropped', { 'scratch.bin': 'no event refers to this' }), { label: 'dropped' });
      return { ...fixture, kept, dropped, workspace };
    };
    afterEach(async () => {
      await fixture?.cleanup();
      await ws?.cleanup();
      fixture = undefined;
      ws = undefined;
    });

    it('given the upkeep of a store, when its kind is read, then it is the kind of the versions the store makes', async () => {
      const { store, maintenance, kept } = await given();
      expect(maintenance.kind).toBe(store.kind);
      expect(kept.store).toBe(maintenance.kind);
    });

    it('given one version referenced and one not, when garbage is collected, then the referenced one is whole and the other is gone', async () => {
      const { store, maintenance, kept, dropped, workspace } = await given();
      const result = await maintenance.collectGarbage([kept]);
      expect(removed(result)).toBeGreaterThan(0);
      expect(await store.has(kept)).toBe(true);
      expect(await store.has(dropped)).toBe(false);
      await store.materialize(kept, workspace.path('restored'));
      expect(await workspace.describe('restored')).toEqual(await workspace.describe('kept'));
    });

    it('given an unreferenced version, when a dry run collects, then it counts what it would remove and removes nothing', async () => {
      const { store, maintenance, kept, dropped } = await given();
      const result = await maintenance.collectGarbage([kept], { dryRun: true });
      expect(removed(result)).toBeGreaterThan(0);
      expect(await store.has(dropped)).toBe(true);
      expect(await store.has(kept)).toBe(true);
    });

    it('given every version referenced, when garbage is collected, then nothing is removed', async () => {
      const { store, maintenance, kept, dropped } = await given();
      const result = await maintenance.collectGarbage([kept, dropped]);
      expect(removed(result)).toBe(0);
      expect([await store.has(kept), await store.has(dropped)]).toEqual([true, true]);
    });

    it('given a healthy store, when its content is verified, then nothing is corrupt (or the store has nothing of its own to check)', async () => {
      const { maintenance } = await given();
      const verified = await maintenance.verifyContent();
      if (verified === undefined) return;
      expect(verified.objectsChecked).toBeGreaterThan(0);
      expect(verified.bytesChecked).toBeGreaterThan(0);
      expect(verified.corrupt).toEqual([]);
    });
  });
}
