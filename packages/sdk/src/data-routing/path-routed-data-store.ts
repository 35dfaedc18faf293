import type { CaptureOptions, DataStore, MaterializeOptions, VersionRef, VersionStat } from '@dotscience/core';

/** A store that versions only some paths, and says which. */
export interface DataRoute {
  store: DataStore & { close?: () => Promise<void> };
  /** True when `path` is this store's to capture (e.g. it lies on the store's ZFS datasets). */
  holds(path: string): Promise<boolean>;
}

/**
 * Mixing data stores per path prefix: a capture goes to the first route that
 * holds the path (a big dataset directory on ZFS), any other path to the
 * default store (the fs store, for small data). A version goes back to the
 * store that made it, found by the ref's `store` kind, so refs recorded by
 * either store keep working when the mix changes.
 */
export class PathRoutedDataStore implements DataStore {
  readonly kind: string;
  readonly digestsDeferred: boolean;
  private readonly byKind: Map<string, DataStore>;

  constructor(
    readonly routes: readonly DataRoute[],
    readonly fallback: DataStore & { close?: () => Promise<void> },
  ) {
    this.kind = fallback.kind;
    this.digestsDeferred = routes.some((r) => r.store.digestsDeferred) || (fallback.digestsDeferred ?? false);
    this.byKind = new Map([[fallback.kind, fallback], ...routes.map((r): [string, DataStore] => [r.store.kind, r.store])]);
  }

  /** Every store of the mix, default first. */
  get stores(): DataStore[] {
    return [this.fallback, ...this.routes.map((r) => r.store)];
  }

  async capture(path: string, options?: CaptureOptions): Promise<VersionRef> {
    for (const route of this.routes) if (await route.holds(path)) return route.store.capture(path, options);
    return this.fallback.capture(path, options);
  }

  materialize(ref: VersionRef, targetPath: string, options?: MaterializeOptions): Promise<void> {
    return this.storeOf(ref).materialize(ref, targetPath, options);
  }

  async has(ref: VersionRef): Promise<boolean> {
    return this.byKind.get(ref.store)?.has(ref) ?? false;
  }

  async stat(ref: VersionRef): Promise<VersionStat | undefined> {
    return this.byKind.get(ref.store)?.stat(ref);
  }

  digestOf(ref: VersionRef): Promise<string> {
    return this.storeOf(ref).digestOf(ref);
  }

  async close(): Promise<void> {
    await Promise.all(this.stores.map((s) => (s as { close?: () => Promise<void> }).close?.()));
  }

  /** A ref of a kind no store of the mix makes goes to the default store, which refuses it with its own error. */
  private storeOf(ref: VersionRef): DataStore {
    return this.byKind.get(ref.store) ?? this.fallback;
  }
}
