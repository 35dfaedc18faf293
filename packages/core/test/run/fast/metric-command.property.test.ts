import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_METRIC_BATCH_POINTS } from '../../../src/events/catalogue.js';
import { isPlainMetricCommand } from '../../../src/run/fast/metric-command.js';
import { RunCommandSchema } from '../../../src/run/run-commands.js';

/** Mostly what the arbitrary makes, sometimes anything of `other`. */
const mostly = <T>(valid: fc.Arbitrary<T>, other: fc.Arbitrary<unknown>) => fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: other, weight: 1 });
const odd = fc.constantFrom(undefined, null, Number.NaN, Infinity, -1, 1.5, 2 ** 53, '', '3', 'x'.repeat(1025), [], {});
const name = mostly(fc.constantFrom('loss', 'acc', 'x'.repeat(1024), 'ünï'), odd);
const at = mostly(
  fc.date({ min: new Date('2000-01-01T00:00:00.000Z'), max: new Date('2100-01-01T00:00:00.000Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.oneof(odd, fc.constantFrom('2026-11-25T10:00:00Z', '2026-11-25 10:00:00.000Z')),
);
const step = mostly(fc.nat(1000), odd);
const metric = fc.record(
  { kind: fc.constant('recordMetric'), name, value: mostly(fc.double(), odd), step, at },
  { requiredKeys: ['kind', 'name', 'value', 'at'] },
);
const column = <T>(arb: fc.Arbitrary<T>, minLength: number) =>
  mostly(fc.array(arb, { minLength, maxLength: 3 }), fc.oneof(odd, fc.array(fc.oneof(arb, odd), { maxLength: 3 })));
const series = fc.record(
  {
    name,
    values: column(fc.double({ noNaN: true, noDefaultInfinity: true }), 1),
    steps: column(fc.oneof(fc.nat(1000), fc.constant(null)), 0),
    at: mostly(fc.record({ start: at, deltasMs: column(fc.integer({ min: -5, max: 5000 }), 0) }), odd),
  },
  { requiredKeys: ['name', 'values', 'at'] },
);
const batch = fc.record({ kind: fc.constant('recordMetrics'), series: mostly(fc.array(series, { minLength: 1, maxLength: 3 }), odd) });
const oversized = fc.constant({
  kind: 'recordMetrics',
  series: [{ name: 'loss', values: new Array<number>(MAX_METRIC_BATCH_POINTS + 1).fill(1), at: { start: '2026-11-25T10:00:00.000Z', deltasMs: [] } }],
});

describe('metric commands taken without zod (run/fast/metric-command.ts)', () => {
  it('given metric commands near the schema, when plainly valid, then RunCommandSchema accepts each and returns an equal command', () => {
    let plain = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.oneof(metric, batch, oversized), (command) => {
        const zod = RunCommandSchema.safeParse(command);
        if (!isPlainMetricCommand(command)) {
          if (!zod.success) refused++;
          return;
        }
        plain++;
        expect(zod.success).toBe(true);
        expect(command).toEqual(zod.data);
      }),
      { numRuns: 3000 },
    );
    expect(plain).toBeGreaterThan(300);
    expect(refused).toBeGreaterThan(300);
  });
});
