import { normalizeDataPath, type CaptureOptions, type DataStore, type VersionRef, type VersionStat } from '@dotscience/core';

/**
 * A DataStore whose captures were taken earlier: `capture(path)` returns the
 * version recorded for that (normalized) path when the program declared it,
 * not what the path holds now. The runner captures a protocol block's data
 * the moment the block is read (the program may overwrite the files in its
 * next run) and then records the run's events, once it holds the event
 * store; publishing through this store versions exactly what was captured.
 */
export class PreCapturedDataStore implements DataStore {
  readonly kind: string;
  readonly digestsDeferred: boolean | undefined;

  constructor(
    private readonly store: DataStore,
    private readonly captured: ReadonlyMap<string, VersionRef>,
  ) {
    this.kind = store.kind;
    this.digestsDeferred = store.digestsDeferred;
  }

  async capture(path: string, _options?: CaptureOptions): Promise<VersionRef> {
    const ref = this.captured.get(normalizeDataPath(path));
    if (!ref) throw new Error(`${path} was not captured when its run block was printed, so it cannot be versioned now — this is a bug in ds run`);
    return ref;
  }

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
