import { TimestampSchema } from '@dotscience/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SystemClock } from '../../src/workstation/index.js';

const ISO_UTC_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A wall clock that answers the given times in turn. */
const scripted = (times: number[]) => {
  let i = 0;
  return () => times[Math.min(i++, times.length - 1)]!;
};

describe('SystemClock', () => {
  it('gives the current time as ISO-8601 UTC with milliseconds', () => {
    const before = Date.now();
    const now = new SystemClock().now();
    expect(now).toMatch(ISO_UTC_MS);
    expect(TimestampSchema.parse(now)).toBe(now);
    expect(Date.parse(now)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(now)).toBeLessThanOrEqual(Date.now());
  });

  it('given the wall clock steps back, then time holds at the latest value until the wall clock passes it', () => {
    const clock = new SystemClock({ wallClock: scripted([1_000, 2_000.7, 1_500, 2_000, 2_500]) });
    expect([1, 2, 3, 4, 5].map(() => clock.now())).toEqual([
      '1970-01-01T00:00:01.000Z',
      '1970-01-01T00:00:02.000Z',
      '1970-01-01T00:00:02.000Z',
      '1970-01-01T00:00:02.000Z',
      '1970-01-01T00:00:02.500Z',
    ]);
  });

  it('never goes backwards and never runs ahead of the latest wall time, whatever the wall clock does', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4_102_444_800_000 }), { minLength: 1, maxLength: 50 }), (times) => {
        const clock = new SystemClock({ wallClock: scripted(times) });
        const seen = times.map(() => Date.parse(clock.now()));
        seen.forEach((t, i) => {
          expect(t).toBe(Math.max(...times.slice(0, i + 1)));
        });
      }),
    );
  });
});
