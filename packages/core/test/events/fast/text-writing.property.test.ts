import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flattened } from '../../../src/events/fast/flat-string.js';
import { jsonString } from '../../../src/events/fast/json-string.js';
import { primitiveArrayJson } from '../../../src/events/fast/primitive-array-json.js';
import { sortedKeys } from '../../../src/events/fast/sorted-keys.js';

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom('a', '"', '\\', '\n', '\u0000', '\u001f', '\ud800', '\udc00', 'é', '\u2028') }),
);

const isFinitePrimitive = (v: unknown): boolean =>
  v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

describe('the pieces canonical JSON is written with (fast/)', () => {
  it("given any text, when quoted, then the text is JSON.stringify's", () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(jsonString(t)).toBe(JSON.stringify(t));
      }),
      { numRuns: 3000 },
    );
  });

  it('given any text, also one built by +, when flattened, then it is the same text', () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 8 }), (parts) => {
        const joined = parts.reduce((all, part) => all + part, '');
        expect(flattened(joined)).toBe(parts.join(''));
      }),
    );
  });

  it("given any object, when its keys are sorted, then the order is Object.keys(...).sort()'s", () => {
    const key = fc.oneof(fc.string({ maxLength: 3 }), fc.string({ unit: 'binary', maxLength: 2 }), fc.constantFrom('0', '10', '9', 'a', 'B'));
    fc.assert(
      fc.property(fc.dictionary(key, fc.constant(1), { maxKeys: 24 }), (record) => {
        expect(sortedKeys(record)).toEqual(Object.keys(record).sort());
      }),
      { numRuns: 2000 },
    );
  });

  it('given any array, when written as a whole, then the text is the element-by-element one, and anything but finite primitives is left to the caller', () => {
    const item = fc.oneof(fc.double(), fc.integer(), text, fc.boolean(), fc.constant(null), fc.constantFrom(undefined, Number.NaN, Infinity, -0, {}, [1]));
    fc.assert(
      fc.property(fc.array(item, { maxLength: 8 }), fc.boolean(), (values, withHole) => {
        const array: unknown[] = withHole ? [...values, , 1] : values; // eslint-disable-line no-sparse-arrays
        const plain = Array.from(array.keys()).every((i) => i in array && isFinitePrimitive(array[i]));
        const written = primitiveArrayJson(array);
        if (!plain) expect(written).toBeUndefined();
        else expect(written).toBe(`[${array.map((v) => JSON.stringify(v)).join(',')}]`);
      }),
      { numRuns: 3000 },
    );
  });
});
