import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../src/events/canonical-json.js';

describe('canonical JSON', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 2, y: 'x' }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"y":"x","z":2}]},"b":1}');
  });
  it('gives equal text for equal values whatever the key order', () => {
    expect(canonicalJson({ x: 1, y: [true, 'a'] })).toBe(canonicalJson({ y: [true, 'a'], x: 1 }));
  });
  it('refuses values JSON cannot represent, naming the path', () => {
    expect(() => canonicalJson({ a: [1, Number.NaN] })).toThrow(/\$\.a\[1\]/);
    expect(() => canonicalJson({ a: 1n })).toThrow(/bigint/);
  });
});
