import { normalizeDataPath, type CaptureOptions, type DataStore, type VersionRef } from '@dotscience/core';
import { CaptureWrappingDataStore } from '@dotscience/sdk';

/**
 * A DataStore whose captures were taken earlier: `capture(path)` returns the
 * version recorded for that (normalized) path when the program declared it,
 * not what the path holds now. The runner captures a protocol block's data
 * the moment the block is read (the program may overwrite the files in its
 * next run) and then records the run's events, once it holds the event
 * store; publishing through this store versions exactly what was captured.
 * Everything but capture is the wrapped store's.
 */
export class PreCapturedDataStore extends CaptureWrappingDataStore {
  constructor(
    store: DataStore,
    private readonly captured: ReadonlyMap<string, VersionRef>,
  ) {
    super(store);
  }

  async capture(path: string, _options?: CaptureOptions): Promise<VersionRef> {
    const ref = this.captured.get(normalizeDataPath(path));
    if (!ref) throw new Error(`${path} was not captured when its run block was printed, so it cannot be versioned now — this is a bug in ds run`);
    return ref;
  }
}
