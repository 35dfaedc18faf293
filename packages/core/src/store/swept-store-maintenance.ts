import type { VersionRef } from '../events/catalogue.js';
import type { ContentVerified, DataMaintenance, GarbageCollected, GarbageCollectionOptions } from '../ports/data-maintenance.js';

/** What a data store's upkeep asks of the store: its kind, and a sweep of what no referenced version reaches. */
export interface SweptStore<C extends GarbageCollected> {
  readonly kind: string;
  gc(referenced: readonly VersionRef[], options: { dryRun: boolean }): Promise<Omit<C, 'holds'>>;
}

/**
 * The DataMaintenance of a store that sweeps what it holds (`holds`: objects, snapshots)
 * itself: its kind and garbage collection are the store's; each store says how its
 * content is verified.
 */
export abstract class SweptStoreMaintenance<C extends GarbageCollected> implements DataMaintenance {
  protected constructor(
    private readonly swept: SweptStore<C>,
    private readonly holds: C['holds'],
  ) {}

  get kind(): string {
    return this.swept.kind;
  }

  async collectGarbage(referenced: readonly VersionRef[], options: GarbageCollectionOptions = {}): Promise<GarbageCollected> {
    return { holds: this.holds, ...(await this.swept.gc(referenced, { dryRun: options.dryRun ?? false })) } as C;
  }

  abstract verifyContent(): Promise<ContentVerified | undefined>;
}
