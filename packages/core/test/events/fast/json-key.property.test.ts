import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonKey } from '../../../src/events/fast/json-key.js';

describe('an object key as canonical JSON writes it (jsonKey)', () => {
  it('given any key — meta and metric keys, near misses of them, quotes, backslashes, controls, lone surrogates — writes JSON.stringify(key) and a colon', () => {
    const known = [
      'actor',
      'causationId',
      'correlationId',
      'host',
      'sdkVersion',
      'user',
      'at',
      'name',
      'step',
      'value',
      'deltasMs',
      'series',
      'start',
      'steps',
      'values',
    ];
    const key = fc.oneof(
      fc.constantFrom(...known, 'Name', 'name ', 'valu', '', '"', '\\', '\u0000', '\u001f', '\ud800', '\udfff', '\ud83d\ude00', 'é', '__proto__', 'toString'),
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.constantFrom(...known).chain((k) => fc.string().map((extra) => k + extra)),
    );
    fc.assert(
      fc.property(key, (k) => {
        expect(jsonKey(k)).toBe(`${JSON.stringify(k)}:`);
      }),
      { numRuns: 5000 },
    );
  });
});
