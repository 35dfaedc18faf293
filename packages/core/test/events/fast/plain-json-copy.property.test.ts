import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/events/canonical-json.js';
import { plainJsonCopy } from '../../../src/events/fast/plain-json-copy.js';
import { JsonValueSchema } from '../../../src/events/json.js';

const key = fc.oneof(fc.string(), fc.constantFrom('0', '9', '10', '01', '4294967294', '4294967295', '-1', '1.5', 'é', '__proto__'));
const value = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 1 }),
    fc.constantFrom(-0, Number.NaN, Infinity, undefined, () => 1, Symbol('s'), new Date(0), new (class Payload {})()),
    fc.dictionary(key, tie('value'), { maxKeys: 5 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.string().map((t) => JSON.parse(`{"__proto__": ${JSON.stringify(t)}}`) as unknown),
  ),
})).value;

describe('a plain JSON value copied without zod (fast/plain-json-copy.ts)', () => {
  it('given any value, when copied, then a copy is made only of what JsonValueSchema accepts, equals its output, and JSON.stringify writes it canonically when it says so', () => {
    let copied = 0;
    fc.assert(
      fc.property(value, (input) => {
        const result = plainJsonCopy(input);
        if (result === undefined) return;
        copied++;
        const zod = JsonValueSchema.safeParse(input);
        expect(zod.success).toBe(true);
        expect(result.copy).toEqual(JSON.parse(JSON.stringify(zod.data))); // JSON's round trip: -0 made 0, as the copy makes it
        expect(result.copy).not.toBe(typeof input === 'object' && input !== null ? input : {});
        const canonical = canonicalJson(result.copy);
        expect(canonicalJson(input)).toBe(canonical);
        if (result.nativeTextIsCanonical) expect(JSON.stringify(result.copy)).toBe(canonical);
      }),
      { numRuns: 3000 },
    );
    expect(copied).toBeGreaterThan(1000);
  });

  it('given an object with an array-index key, when copied, then JSON.stringify is not trusted with it', () => {
    expect(plainJsonCopy({ b: 1, 10: 'x', 9: 'y' })?.nativeTextIsCanonical).toBe(false);
    expect(plainJsonCopy({ b: 1, a: [{ d: 1, c: 2 }] })).toEqual({ copy: { a: [{ c: 2, d: 1 }], b: 1 }, nativeTextIsCanonical: true });
  });
});
