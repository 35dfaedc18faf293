import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { InvalidInputError, NewEventSchema, parseInput } from '../../src/index.js';
import { parseNewEvent } from '../../src/store-kit.js';
import { canonicalJson } from '../../src/events/canonical-json.js';
import { plainlyValidNewEvent } from '../../src/events/fast/new-event.js';
import { parsedShape } from '../../src/testing/parsed-shape.js';

function outcome(parse: () => unknown): { ok: true; value: unknown; shape: unknown } | { ok: false; error: unknown } {
  try {
    const value = parse();
    return { ok: true, value, shape: parsedShape(value) };
  } catch (error) {
    return { ok: false, error };
  }
}

const validId = fc.uuid({ version: [1, 4, 7] });
const oddValue = fc.oneof(
  fc.anything({
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withSparseArray: true,
    withTypedArray: true,
    withBoxedValues: true,
    withObjectString: true,
  }),
  fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, undefined, () => 1, Symbol('s'), 2 ** 53, 1.5, 0, -1),
  fc.constant(JSON.parse('{"__proto__": 1, "a": 2}') as unknown),
  fc.constant({ [Symbol('k')]: 1, a: 2 }),
  fc.constant(Object.defineProperty({ a: 1 }, 'hidden', { value: Number.NaN, enumerable: false })),
  fc.constant(
    new (class Payload {
      a = 1;
    })(),
  ),
);
const jsonish = fc.oneof(
  fc.json().map((t) => JSON.parse(t) as unknown),
  oddValue,
);
const metaish = fc.oneof(
  fc.record(
    {
      correlationId: fc.oneof(fc.string(), fc.constant(undefined), oddValue),
      causationId: fc.oneof(fc.string(), fc.constant(undefined)),
      actor: fc.oneof(fc.record({ user: fc.string(), host: fc.string() }), fc.record({ user: fc.string() }), fc.constant(undefined), oddValue),
      sdkVersion: fc.oneof(fc.string(), fc.integer()),
      extra: fc.string(),
    },
    { requiredKeys: [] },
  ),
  oddValue,
);
const eventish = fc.oneof(
  fc.record(
    {
      id: fc.oneof(validId, fc.string(), fc.constant('00000000-0000-0000-0000-000000000000'), oddValue),
      type: fc.oneof(fc.constantFrom('MetricRecorded', ''), fc.string(), oddValue),
      schemaVersion: fc.oneof(fc.integer({ min: -2, max: 3 }), oddValue),
      data: jsonish,
      meta: metaish,
      stream: fc.string(),
    },
    { requiredKeys: [] },
  ),
  oddValue,
);

/** The path of the first own "__proto__" key in the data of an event-like input (depth first, in key order). */
function ownProtoKeyPath(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
  const walk = (value: unknown, path: string): string | undefined => {
    if (typeof value !== 'object' || value === null) return undefined;
    if (!Array.isArray(value) && Object.prototype.hasOwnProperty.call(value, '__proto__')) return `${path}.__proto__`;
    for (const [key, item] of Object.entries(value)) {
      const found = walk(item, `${path}.${key}`);
      if (found) return found;
    }
    return undefined;
  };
  return walk((input as { data?: unknown }).data, 'data');
}

/** Ids next to valid ones: one character replaced (at the dashes, the version and variant digits most often), one added or one removed. */
const nearId = fc
  .tuple(
    fc.oneof(
      fc.uuid(),
      fc.constantFrom('00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF'),
    ),
    fc.oneof(fc.constantFrom(8, 13, 14, 18, 19, 23, 0, 35), fc.nat({ max: 35 })),
    fc.constantFrom('-', '0', '1', '8', '9', 'a', 'A', 'b', 'B', 'c', 'C', 'f', 'F', 'g', 'G', '\n', ' ', 'é', '٣'),
    fc.constantFrom('replace', 'insert', 'remove'),
  )
  .map(([id, at, char, edit]) => id.slice(0, at) + (edit === 'remove' ? '' : char) + id.slice(edit === 'insert' ? at : at + 1));

describe("event ids (a check written out in place of z.uuid()'s regex)", () => {
  it('given ids next to valid ones, then parseNewEvent accepts exactly the ids NewEventSchema accepts, and those without calling zod', () => {
    const base = { type: 'MetricRecorded', schemaVersion: 1, data: { step: 1 }, meta: {} };
    let accepted = 0;
    fc.assert(
      fc.property(nearId, (id) => {
        const zodAccepts = NewEventSchema.safeParse({ ...base, id }).success;
        const zod = vi.spyOn(NewEventSchema, 'safeParse');
        try {
          expect(outcome(() => parseNewEvent({ ...base, id }, 'event')).ok).toBe(zodAccepts);
          expect(zod.mock.calls.length).toBe(zodAccepts ? 0 : 1); // a valid id is accepted by the check written out
        } finally {
          zod.mockRestore();
        }
        if (zodAccepts) accepted++;
      }),
      { numRuns: 5000 },
    );
    expect(accepted).toBeGreaterThan(200); // both verdicts are met often (~7% of these ids are valid)
  });
});

describe('parseNewEvent (the append fast path)', () => {
  it('given any input, then it accepts exactly what NewEventSchema accepts, with the same output, and refuses the rest with the same InvalidInputError', () => {
    fc.assert(
      fc.property(eventish, (input) => {
        const ours = outcome(() => parseNewEvent(input, 'event 0 appended to run-x'));
        const protoKey = ownProtoKeyPath(input);
        const zods = outcome(() => parseInput(NewEventSchema, input, 'event 0 appended to run-x'));
        if (protoKey !== undefined) {
          // zod drops the key (and may accept); the store refuses rather than record other data than was sent.
          expect(ours.ok).toBe(false);
          expect(!ours.ok && ours.error).toBeInstanceOf(InvalidInputError);
          const zodProblems = zods.ok ? [] : (zods.error as InvalidInputError).problems;
          expect((ours as { error: InvalidInputError }).error.problems).toEqual([
            ...zodProblems,
            { path: protoKey, message: expect.stringContaining('"__proto__"') },
          ]);
          return;
        }
        expect(ours.ok).toBe(zods.ok);
        if (ours.ok && zods.ok) {
          expect(ours.shape).toEqual(zods.shape);
          expect(ours.value).not.toBe(input);
        } else if (!ours.ok && !zods.ok) {
          expect(ours.error).toBeInstanceOf(InvalidInputError);
          expect((ours.error as InvalidInputError).problems).toEqual((zods.error as InvalidInputError).problems);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('given a valid event, when the caller later mutates its data, then the parsed event is unchanged (a deep copy, as zod makes)', () => {
    const input = {
      id: '0190a6b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b',
      type: 'MetricRecorded',
      schemaVersion: 1,
      data: { series: [1, { a: 2 }] },
      meta: { actor: { user: 'u', host: 'h' } },
    };
    const parsed = parseNewEvent(input, 'event');
    input.data.series.push(3);
    (input.data.series[1] as { a: number }).a = 9;
    input.meta.actor.user = 'someone else';
    expect(parsed).toEqual({ ...input, data: { series: [1, { a: 2 }] }, meta: { actor: { user: 'u', host: 'h' } } });
  });

  it('given an event with a NaN deep in its data, then it is refused naming the innermost field and what JSON allows there', () => {
    const input = { id: '0190a6b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b', type: 'MetricRecorded', schemaVersion: 1, data: { value: [1, Number.NaN] }, meta: {} };
    expect(() => parseNewEvent(input, 'event 0 appended to run-x')).toThrow(InvalidInputError);
    expect(() => parseNewEvent(input, 'event 0 appended to run-x')).toThrow(
      'invalid event 0 appended to run-x: data.value.1: Invalid input: expected string, number, boolean, null, array or record, received NaN',
    );
  });

  it('given data holding -0 (at the top, in an object and in an array), when parsed, then it holds 0, as JSON and so the record write it', () => {
    const base = { id: '0190a6b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b', type: 'MetricRecorded', schemaVersion: 1, meta: {} };
    expect(Object.is(parseNewEvent({ ...base, data: -0 }, 'event').data, 0)).toBe(true);
    const parsed = parseNewEvent({ ...base, data: { value: -0, list: [1, -0] } }, 'event').data as { value: number; list: number[] };
    expect(Object.is(parsed.value, 0)).toBe(true);
    expect(Object.is(parsed.list[1], 0)).toBe(true);
  });

  it('given data with an own "__proto__" key (as JSON.parse makes), when parsed, then it is refused naming the key, where zod would silently drop it', () => {
    const input = {
      id: '0190a6b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b',
      type: 'ParameterRecorded',
      schemaVersion: 1,
      data: JSON.parse('{"params": [{"__proto__": 1, "a": 2}]}') as unknown,
      meta: {},
    };
    let error: unknown;
    try {
      parseNewEvent(input, 'event 0 appended to run-x');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).problems).toEqual([{ path: 'data.params.0.__proto__', message: expect.stringContaining('rename the key') }]);
  });
});

describe('a new event checked without zod (fast/new-event.ts)', () => {
  it("given any input, when it is plainly valid, then zod accepts it with the same output, and its data's native text is canonical when so said", () => {
    let plain = 0;
    const mostlyValid = fc.record({
      id: validId,
      type: fc.constantFrom('MetricRecorded', 'T'),
      schemaVersion: fc.integer({ min: 1, max: 3 }),
      data: jsonish,
      meta: fc.oneof(fc.constant({}), metaish),
    });
    fc.assert(
      fc.property(fc.oneof(eventish, mostlyValid), (input) => {
        const fast = plainlyValidNewEvent(input);
        if (fast === undefined) return;
        plain++;
        const zod = outcome(() => parseInput(NewEventSchema, input, 'event'));
        expect(zod.ok).toBe(true);
        expect(parsedShape(fast.event)).toEqual((zod as { shape: unknown }).shape);
        if (fast.dataTextIsCanonical) expect(JSON.stringify(fast.event.data)).toBe(canonicalJson(fast.event.data));
      }),
      { numRuns: 3000 },
    );
    expect(plain).toBeGreaterThan(300);
  });
});
