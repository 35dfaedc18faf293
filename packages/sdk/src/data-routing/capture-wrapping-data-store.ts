import type { CaptureOptions, DataStore, VersionRef, VersionStat } from '@dotscience/core';

/**
 * A DataStore that changes how captures happen and leaves everything else
 * (materialize, has, stat, digestOf) to the store it wraps: the base of
 * stores that draw a capture's progress or answer it from earlier captures.
 */
export abstract class CaptureWrappingDataStore implements DataStore {
  constructor(protected readonly store: DataStore) {}

  get kind(): string {
    return this.store.kind;
  }

  get digestsDeferred(): boolean | undefined {
    return this.store.digestsDeferred;
  }

  abstract capture(path: string, options?: CaptureOptions): Promise<VersionRef>;

  materialize(ref: VersionRef, targetPath: string): Promise<void> {
    return this.store.materialize(ref, targetPath);
  }

  has(ref: VersionRef): Promise<boolean> {
    return this.store.has(ref);
  }

  stat(ref: VersionRef): Promise<VersionStat | undefined> {
    return this.store.stat(ref);
  }

  digestOf(ref: VersionRef): Promise<string> {
    return this.store.digestOf(ref);
  }
}
