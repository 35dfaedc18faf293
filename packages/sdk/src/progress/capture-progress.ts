import type { CaptureOptions, DataStore, VersionRef } from '@dotscience/core';
import { CaptureWrappingDataStore } from '../data-routing/capture-wrapping-data-store.js';
import { ProgressBar, type ProgressBarTiming, type ProgressTarget } from './progress-bar.js';

export interface CaptureProgressOptions extends ProgressBarTiming {
  /** Where the bar is drawn; only a terminal gets one. Default process.stderr. */
  target?: ProgressTarget;
}

/** How long a capture runs before its bar appears, unless told otherwise. */
export const CAPTURE_PROGRESS_AFTER_MS = 1000;

/**
 * A DataStore whose captures draw a progress bar (bytes read of bytes to
 * read) on a terminal once they have run `showAfterMs` (default 1 s): an SDK
 * `ds.input()` of a large directory says what it is doing, a quick one prints
 * nothing, and piped stderr stays clean. Everything else is the store's own.
 */
export class CaptureProgressDataStore extends CaptureWrappingDataStore {
  constructor(
    store: DataStore,
    private readonly options: CaptureProgressOptions = {},
  ) {
    super(store);
  }

  async capture(path: string, options: CaptureOptions = {}): Promise<VersionRef> {
    const { target = process.stderr, showAfterMs = CAPTURE_PROGRESS_AFTER_MS, now } = this.options;
    const bar = new ProgressBar(`dotscience: versioning ${path}`, undefined, 'bytes', target, { showAfterMs, ...(now ? { now } : {}) });
    const onProgress = options.onProgress;
    try {
      return await this.store.capture(path, {
        ...options,
        onProgress: (progress) => {
          bar.update(progress.bytesDone, progress.bytesTotal);
          onProgress?.(progress);
        },
      });
    } finally {
      bar.finish();
    }
  }
}
