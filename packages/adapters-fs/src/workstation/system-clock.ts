import type { Clock } from '@dotscience/core';

export interface SystemClockOptions {
  /** Source of wall-clock milliseconds since the epoch; default `Date.now`. */
  readonly wallClock?: () => number;
}

/**
 * The system clock as ISO-8601 UTC with milliseconds, never going backwards: when the
 * wall clock steps back (NTP correction, manual change) it holds at the latest time
 * already given out until the wall clock passes it again. Bind it as a singleton: the
 * guarantee holds per instance.
 */
export class SystemClock implements Clock {
  private readonly wallClock: () => number;
  private latest = Number.NEGATIVE_INFINITY;

  constructor(options: SystemClockOptions = {}) {
    this.wallClock = options.wallClock ?? Date.now;
  }

  now(): string {
    this.latest = Math.max(this.latest, Math.floor(this.wallClock()));
    return new Date(this.latest).toISOString();
  }
}
