import { byteSize } from './data-size-text.js';

export type ProgressUnit = 'bytes' | 'events' | 'files';

const WIDTH = 30;
const REDRAW_MS = 100;

/** Where the bar is drawn (process.stderr by default); only a terminal (`isTTY`) gets one. */
export interface ProgressTarget {
  isTTY?: boolean;
  columns?: number;
  write(text: string): boolean;
}

function amount(value: number, unit: ProgressUnit): string {
  return unit === 'bytes' ? byteSize(value) : `${value} ${unit}`;
}

export interface ProgressBarTiming {
  /** Draw nothing until the operation has run this long, so quick ones leave no flicker. Default 0. */
  showAfterMs?: number;
  /** Milliseconds clock. Default Date.now. */
  now?: () => number;
}

/**
 * A one-line progress bar on stderr for long operations (materialize,
 * replay, import, the SDK's captures). Drawn only when stderr is a terminal,
 * once the operation has run `showAfterMs`, at most ten times a second, and
 * erased when done, so piped and captured output stays clean.
 * Without a total it shows a running count.
 */
export class ProgressBar {
  private done = 0;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private drawn = false;
  private readonly enabled: boolean;
  private readonly now: () => number;
  private readonly showFrom: number;

  constructor(
    private readonly label: string,
    private total: number | undefined,
    private readonly unit: ProgressUnit,
    private readonly target: ProgressTarget = process.stderr,
    timing: ProgressBarTiming = {},
  ) {
    this.enabled = target.isTTY === true;
    this.now = timing.now ?? Date.now;
    this.showFrom = this.now() + (timing.showAfterMs ?? 0);
  }

  /** Set how much is done (and the total, when it became known). */
  update(done: number, total?: number): void {
    this.done = done;
    if (total !== undefined) this.total = total;
    if (!this.enabled) return;
    const now = this.now();
    if (now < this.showFrom || now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    this.draw();
  }

  advance(by: number): void {
    this.update(this.done + by);
  }

  /** Erase the bar (the command prints its own summary). */
  finish(): void {
    if (this.enabled && this.drawn) this.target.write('\r\x1b[2K');
    this.drawn = false;
  }

  private draw(): void {
    let line: string;
    if (this.total === undefined || this.total <= 0) {
      line = `${this.label} ${amount(this.done, this.unit)}`;
    } else {
      const share = Math.min(1, this.done / this.total);
      const filled = Math.round(share * WIDTH);
      line = `${this.label} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${Math.floor(share * 100)}% ${amount(this.done, this.unit)} / ${amount(this.total, this.unit)}`;
    }
    const columns = this.target.columns ?? 80;
    this.target.write(`\r\x1b[2K${line.slice(0, Math.max(10, columns - 1))}`);
    this.drawn = true;
  }
}
