import { describe, expect, it, vi } from 'vitest';
import { ProgressBar } from '../../src/progress/progress-bar.js';

function target(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 100, write: (text: string) => (writes.push(text), true) } };
}

describe('progress bar', () => {
  it('given stderr is not a terminal, when progress is reported, then nothing is drawn', () => {
    const { writes, stream } = target(false);
    const bar = new ProgressBar('materializing', 2048, 'bytes', stream);
    bar.update(1024);
    bar.finish();
    expect(writes).toEqual([]);
  });

  it('given a terminal, when progress is reported, then the bar shows the share and amounts and is erased at the end', () => {
    vi.useFakeTimers();
    try {
      const { writes, stream } = target(true);
      const bar = new ProgressBar('materializing', 2048, 'bytes', stream);
      vi.advanceTimersByTime(1000);
      bar.update(1024);
      bar.update(1500); // within 100 ms of the last draw: skipped
      vi.advanceTimersByTime(200);
      bar.update(2048);
      bar.finish();
      expect(writes).toEqual([
        `\r\x1b[2Kmaterializing [${'#'.repeat(15)}${'-'.repeat(15)}] 50% 1.0 KiB / 2.0 KiB`,
        `\r\x1b[2Kmaterializing [${'#'.repeat(30)}] 100% 2.0 KiB / 2.0 KiB`,
        '\r\x1b[2K',
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('given no total, when progress is reported, then a running count is shown', () => {
    vi.useFakeTimers();
    try {
      const { writes, stream } = target(true);
      const bar = new ProgressBar('replaying runs', undefined, 'events', stream);
      vi.advanceTimersByTime(1000);
      bar.update(1234);
      expect(writes).toEqual(['\r\x1b[2Kreplaying runs 1234 events']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('given a threshold, when progress is reported before it, then nothing is drawn; after it, the bar is', () => {
    let now = 5_000;
    const { writes, stream } = target(true);
    const bar = new ProgressBar('versioning data', 4096, 'bytes', stream, { showAfterMs: 1000, now: () => now });
    now += 999;
    bar.update(1024);
    expect(writes).toEqual([]);
    now += 1;
    bar.update(2048);
    expect(writes).toEqual([`\r\x1b[2Kversioning data [${'#'.repeat(15)}${'-'.repeat(15)}] 50% 2.0 KiB / 4.0 KiB`]);
    bar.finish();
    expect(writes.at(-1)).toBe('\r\x1b[2K');
  });

  it('given a threshold that is never reached, when the operation finishes, then nothing is written at all', () => {
    const { writes, stream } = target(true);
    const bar = new ProgressBar('versioning data', 4096, 'bytes', stream, { showAfterMs: 1000, now: () => 0 });
    bar.update(4096);
    bar.finish();
    expect(writes).toEqual([]);
  });
});
