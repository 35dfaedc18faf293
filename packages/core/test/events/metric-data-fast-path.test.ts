import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventSchemas, InvalidEventDataError, MAX_METRIC_BATCH_POINTS, UpcasterRegistry, type RecordedEvent } from '../../src/index.js';
import { plainlyValidMetricData } from '../../src/events/fast/metric-data.js';
import { newEvent, recordHistory } from './chain-fixture.js';

type MetricType = 'MetricRecorded' | 'MetricsRecorded';
const AT = '2026-11-25T10:00:00.000Z';

/** zod's verdict and output for the same data (the path the fast path stands in for). */
const viaZod = (type: MetricType, data: unknown) => eventSchemas[type].safeParse(data);

/** The fast path's answer, which must be zod's output exactly (values, key order, no shared arrays) whenever it answers. */
function expectSameAsZod(type: MetricType, data: unknown): ReturnType<typeof plainlyValidMetricData> {
  const fast = plainlyValidMetricData(type, data);
  if (fast === undefined) return undefined;
  const zod = viaZod(type, data);
  expect(zod.success, `zod refuses what the fast path accepted: ${JSON.stringify(data)}`).toBe(true);
  expect(fast).toStrictEqual(zod.data);
  expect(JSON.stringify(fast)).toBe(JSON.stringify(zod.data)); // the same key order, too
  return fast;
}

describe('metric event data checked without zod', () => {
  it("given a metric point with its keys in any order, when checked, then the answer is zod's output: a new object, keys in the schema's order", () => {
    const data = { at: AT, step: 3, value: 0.25, name: 'loss' };
    const fast = expectSameAsZod('MetricRecorded', data);
    expect(fast).not.toBe(data);
    expect(Object.keys(fast!)).toEqual(['name', 'value', 'step', 'at']);
    expect(expectSameAsZod('MetricRecorded', { name: 'acc', value: 'n/a', at: AT })).toEqual({ name: 'acc', value: 'n/a', at: AT });
    expect(Object.keys(plainlyValidMetricData('MetricRecorded', JSON.parse(`{"value":null,"name":"x","at":"${AT}"}`))!)).toEqual(['name', 'value', 'at']);
  });

  it("given a batch of series, when checked, then the answer is zod's output with every column copied (never the recorded arrays)", () => {
    const values = [0.5, 0.25];
    const data = {
      series: [
        { at: { deltasMs: [0, 1000], start: AT }, steps: [1, null], values, name: 'loss' },
        { name: 'acc', values: [1], at: { start: AT, deltasMs: [5] } },
      ],
    };
    const fast = expectSameAsZod('MetricsRecorded', data) as { series: Array<{ values: number[]; at: { deltasMs: number[] } }> };
    expect(fast.series[0]!.values).not.toBe(values);
    expect(fast.series[0]!.at.deltasMs).not.toBe(data.series[0]!.at.deltasMs);
  });

  it('given data it is not sure of, when checked, then it leaves the verdict to zod (undefined)', () => {
    const point = { name: 'loss', value: 1, step: 2, at: AT };
    const unsure: Array<[string, unknown]> = [
      ['MetricRecorded', { ...point, extra: 1 }], // zod strips unknown keys
      ['MetricRecorded', { ...point, value: { nested: [1] } }], // zod copies nested values
      ['MetricRecorded', { ...point, step: undefined }], // zod keeps the key
      ['MetricsRecorded', { series: [{ name: 'loss', values: [1], steps: undefined, at: { start: AT, deltasMs: [0] } }] }],
      ['MetricRecorded', JSON.parse(`{"name":"x","value":1,"at":"${AT}","__proto__":{}}`)],
      ['MetricRecorded', new Map()],
      ['MetricsRecorded', { series: [{ name: 'mixed', values: [1, 'two'], at: { start: AT, deltasMs: [0, 0] } }] }],
      ['LabelAdded', { name: 'team', value: 'vision' }],
    ];
    for (const [type, data] of unsure) expect(plainlyValidMetricData(type, data), JSON.stringify(data)).toBeUndefined();
  });

  it('given data breaking a rule, when checked, then it answers undefined and zod refuses it, naming the rule', () => {
    const series = (s: object) => ({ series: [{ name: 'loss', values: [1, 2], at: { start: AT, deltasMs: [0, 1] }, ...s }] });
    const broken: Array<[MetricType, unknown, RegExp]> = [
      ['MetricRecorded', { name: '', value: 1, at: AT }, /empty/],
      ['MetricRecorded', { name: 'x'.repeat(1025), value: 1, at: AT }, /1024/],
      ['MetricRecorded', { name: 'loss', value: Number.NaN, at: AT }, /./],
      ['MetricRecorded', { name: 'loss', value: 1, step: -1, at: AT }, />=0|greater/],
      ['MetricRecorded', { name: 'loss', value: 1, step: 1.5, at: AT }, /int/],
      ['MetricRecorded', { name: 'loss', value: 1, at: '2026-11-25T10:00:00Z' }, /ISO-8601/],
      ['MetricsRecorded', { series: [] }, /at least one series/],
      ['MetricsRecorded', series({ values: [] }), /at least one point/],
      ['MetricsRecorded', series({ steps: [1] }), /one entry per value/],
      ['MetricsRecorded', series({ at: { start: AT, deltasMs: [0] } }), /one entry per value/],
      ['MetricsRecorded', series({ at: { start: AT, deltasMs: [0, 1e15] } }), /outside years/],
      ['MetricsRecorded', series({ at: { start: AT, deltasMs: [0, 1.5] } }), /int/],
      ['MetricsRecorded', series({ values: [1, Number.NaN] }), /./],
      ['MetricsRecorded', series({ steps: [0, -1] }), />=0|greater/],
      ['MetricsRecorded', { series: [series({}).series[0], series({}).series[0]] }, /appears twice/],
      [
        'MetricsRecorded',
        series({ values: new Array(MAX_METRIC_BATCH_POINTS + 1).fill(0), at: { start: AT, deltasMs: new Array(MAX_METRIC_BATCH_POINTS + 1).fill(0) } }),
        /at most/,
      ],
    ];
    for (const [type, data, rule] of broken) {
      expect(plainlyValidMetricData(type, data)).toBeUndefined();
      const zod = viaZod(type, data);
      expect(zod.success).toBe(false);
      expect(zod.error!.issues.map((i) => i.message).join('; ')).toMatch(rule);
    }
  });

  it("given any data near the schemas (valid, mutated, from JSON or not), when checked, then the fast path answers only what zod accepts, and exactly zod's output", () => {
    /** Mostly what the schema allows, sometimes anything near it. */
    const mostly = <T>(valid: fc.Arbitrary<T>, other: fc.Arbitrary<unknown>) => fc.oneof({ arbitrary: valid, weight: 7 }, { arbitrary: other, weight: 1 });
    const anyNumber = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(-0, 2 ** 53, 2 ** 53 - 1, Number.NaN, Number.POSITIVE_INFINITY));
    const number = mostly(fc.double({ noNaN: true, noDefaultInfinity: true }), anyNumber);
    const name = mostly(
      fc.constantFrom('loss', 'acc', 'x'.repeat(1024), 'ünï'),
      fc.oneof(fc.constantFrom('', 'x'.repeat(1025)), fc.string({ maxLength: 4 }), fc.integer()),
    );
    const at = mostly(
      fc.date({ min: new Date('0000-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }).map((d) => d.toISOString()),
      fc.oneof(fc.constantFrom('2026-11-25T10:00:00Z', '2026-11-25 10:00:00.000Z', '+012026-11-25T10:00:00.000Z', ''), anyNumber),
    );
    const step = mostly(fc.nat(10), fc.oneof(fc.integer({ min: -3, max: 3 }), anyNumber, fc.constantFrom(null, '3', undefined)));
    const value = mostly(
      fc.oneof(number, fc.string({ maxLength: 3 }), fc.boolean(), fc.constant(null)),
      fc.oneof(fc.constant(undefined), fc.jsonValue({ maxDepth: 1 })),
    );
    const extraKey = fc.constantFrom('extra', 'steps', 'Name', '__proto__');
    const maybeJson = <T>(arb: fc.Arbitrary<T>) =>
      fc.tuple(arb, fc.boolean()).map(([v, viaJson]) => (viaJson ? (JSON.parse(JSON.stringify(v) ?? 'null') as T) : v));
    const withKeys = (fields: Record<string, fc.Arbitrary<unknown>>, required: string[]) =>
      fc
        .tuple(
          // The schema's required keys are usually all there; now and then any of them may be missing.
          fc.oneof({ arbitrary: fc.record(fields, { requiredKeys: required }), weight: 7 }, { arbitrary: fc.record(fields, { requiredKeys: [] }), weight: 1 }),
          fc.shuffledSubarray(Object.keys(fields)),
          fc.oneof({ arbitrary: fc.constant(null), weight: 7 }, { arbitrary: fc.tuple(extraKey, fc.jsonValue({ maxDepth: 0 })), weight: 1 }),
        )
        .map(([record, order, extra]) => {
          const out: Record<string, unknown> = {};
          for (const k of order) if (k in record) out[k] = record[k];
          for (const k of Object.keys(record)) if (!(k in out)) out[k] = record[k];
          if (extra) Object.defineProperty(out, extra[0], { value: extra[1], enumerable: true, writable: true, configurable: true });
          return out;
        });

    const point = maybeJson(withKeys({ name, value, step, at }, ['name', 'value', 'at']));
    const column = <T>(arb: fc.Arbitrary<T>) =>
      mostly(fc.array(arb, { minLength: 2, maxLength: 2 }), fc.oneof(fc.array(arb, { maxLength: 4 }), fc.constant('not an array')));
    const series = withKeys(
      {
        name: mostly(fc.constantFrom('loss', 'acc', 'lr'), name),
        values: column(mostly(number, value)),
        steps: column(mostly(fc.oneof(fc.nat(10), fc.constant(null)), anyNumber)),
        at: withKeys({ start: at, deltasMs: column(mostly(fc.integer({ min: -1000, max: 1000 }), anyNumber)) }, ['start', 'deltasMs']),
      },
      ['name', 'values', 'at'],
    );
    const batch = maybeJson(withKeys({ series: mostly(fc.array(series, { minLength: 1, maxLength: 3 }), fc.constantFrom(null, [])) }, ['series']));

    const accepted = { MetricRecorded: 0, MetricsRecorded: 0 };
    fc.assert(
      fc.property(
        fc.oneof(
          point.map((d) => ['MetricRecorded', d] as const),
          batch.map((d) => ['MetricsRecorded', d] as const),
        ),
        ([type, data]) => {
          if (expectSameAsZod(type, data) !== undefined) accepted[type]++;
        },
      ),
      { numRuns: 3000 },
    );
    // The property is about the fast path's answers, so there must be many of each type.
    expect(accepted.MetricRecorded).toBeGreaterThan(300);
    expect(accepted.MetricsRecorded).toBeGreaterThan(50);
  });

  it('given recorded metric events, when upcast, then the fast path gives what zod gives, and invalid ones still name the field', () => {
    const registry = new UpcasterRegistry();
    const [point, batch, bad] = recordHistory([
      ['run-m', newEvent('MetricRecorded', { step: 1, value: 0.5, name: 'loss', at: AT })],
      ['run-m', newEvent('MetricsRecorded', { series: [{ name: 'acc', values: [0.9], at: { start: AT, deltasMs: [0] } }] })],
      ['run-m', newEvent('MetricRecorded', { name: 'loss', value: 1, step: -2, at: AT })],
    ]) as [RecordedEvent, RecordedEvent, RecordedEvent];
    expect(registry.upcast(point)).toStrictEqual({ type: 'MetricRecorded', data: viaZod('MetricRecorded', point.data).data });
    expect(registry.upcast(batch)).toStrictEqual({ type: 'MetricsRecorded', data: viaZod('MetricsRecorded', batch.data).data });
    expect(() => registry.upcast(bad)).toThrow(InvalidEventDataError);
    expect(() => registry.upcast(bad)).toThrow(/data\.step/);
  });
});
