import fc from 'fast-check';
import { InvalidInputError, RecordedEventSchema } from '@dotscience/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseRecordedEvents } from '../src/client/recorded-events.js';
import { parsedShape } from '@dotscience/core/testing';

function outcome(parse: () => unknown): { ok: true; value: unknown } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: parse() };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * Over 3,000 generated inputs, `parse` accepts exactly what `schema` accepts, with the
 * same output (key order included), and refuses the rest as an InvalidInputError naming
 * the same fields (under `prefix`, where the value sits in the answer).
 */
function expectZodsVerdict(inputs: fc.Arbitrary<unknown>, parse: (input: unknown) => unknown, schema: z.ZodType, prefix: string[]): void {
  let accepted = 0;
  fc.assert(
    fc.property(inputs, (input) => {
      const ours = outcome(() => parse(input));
      const zods = schema.safeParse(input);
      expect(ours.ok).toBe(zods.success);
      if (ours.ok && zods.success) {
        accepted++;
        expect(parsedShape(ours.value)).toEqual(parsedShape(zods.data));
      } else if (!ours.ok && !zods.success) {
        expect(ours.error).toBeInstanceOf(InvalidInputError);
        expect((ours.error as InvalidInputError).problems.map((p) => p.path)).toEqual(
          zods.error.issues.map((i) => [...prefix, ...i.path.map(String)].join('.')),
        );
      }
    }),
    { numRuns: 3000 },
  );
  // Both verdicts are exercised: a generator that produced only refusals would prove nothing.
  expect(accepted).toBeGreaterThan(300);
  expect(accepted).toBeLessThan(2700);
}

const odd = fc.oneof(
  fc.anything({ withNullPrototype: true, withSparseArray: true, withBoxedValues: true }),
  fc.constantFrom(Number.NaN, Infinity, -1, -0, 1.5, 2 ** 53, undefined, '', null),
);
const hash = fc.oneof({ weight: 5, arbitrary: fc.stringMatching(/^[0-9a-f]{64}$/) }, fc.constantFrom('F'.repeat(64), 'a'.repeat(63), ''), odd);
const timestamp = fc.oneof(
  { weight: 5, arbitrary: fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString()) },
  fc.constantFrom('2026-01-31T12:00:00Z', '2026-01-31 12:00:00.000Z', 'yesterday'),
  odd,
);
const count = fc.oneof({ weight: 5, arbitrary: fc.nat() }, odd);
const recordedish = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record(
      {
        id: fc.oneof({ weight: 5, arbitrary: fc.uuid({ version: [4, 7] }) }, fc.string(), odd),
        type: fc.oneof({ weight: 5, arbitrary: fc.constantFrom('MetricRecorded', 'RunStarted') }, fc.string(), odd),
        schemaVersion: fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 1, max: 3 }) }, odd),
        data: fc.oneof({ weight: 5, arbitrary: fc.json().map((t) => JSON.parse(t) as unknown) }, odd),
        meta: fc.oneof(
          { weight: 5, arbitrary: fc.record({ sdkVersion: fc.string(), actor: fc.record({ user: fc.string(), host: fc.string() }) }, { requiredKeys: [] }) },
          odd,
        ),
        stream: fc.oneof({ weight: 5, arbitrary: fc.string({ minLength: 1 }) }, odd),
        revision: count,
        position: count,
        recordedAt: timestamp,
        prevHash: hash,
        hash,
        extra: fc.string(),
      },
      { requiredKeys: ['id', 'type', 'schemaVersion', 'data', 'meta', 'stream', 'revision', 'position', 'recordedAt', 'prevHash', 'hash'] },
    ),
  },
  odd,
);
const answerEvents = fc.oneof({ weight: 8, arbitrary: fc.array(recordedish, { maxLength: 4 }) }, odd);

describe('parseRecordedEvents (the client fast path for hub answers)', () => {
  it('given any list, then it accepts exactly what z.array(RecordedEventSchema) accepts, with the same output, and refuses the rest naming the same fields', () => {
    expectZodsVerdict(answerEvents, (input) => parseRecordedEvents(input, 'hub answer', 'events'), z.array(RecordedEventSchema), ['events']);
  });

  it('given a plainly valid answer, when its data is later mutated, then the parsed events are unchanged (a deep copy, as zod makes)', () => {
    const input = [
      {
        id: '0190a6b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b',
        type: 'Probe',
        schemaVersion: 1,
        data: { series: [1, 2] },
        meta: {},
        stream: 'run-a',
        revision: 0,
        position: 3,
        recordedAt: '2026-01-31T12:00:00.000Z',
        prevHash: '0'.repeat(64),
        hash: 'a'.repeat(64),
      },
    ];
    const parsed = parseRecordedEvents(input, 'hub answer', 'events');
    input[0]!.data.series.push(3);
    expect(parsed[0]!.data).toEqual({ series: [1, 2] });
  });
});
