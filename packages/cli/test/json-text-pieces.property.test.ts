import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonTextPieces } from '../src/output/json-text-pieces.js';

const joined = (value: unknown): string => [...jsonTextPieces(value)].join('');

describe('a JSON document written in pieces', () => {
  it('given any JSON value, then the pieces joined are the text JSON.stringify(value, null, 2) gives', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(joined(value)).toBe(JSON.stringify(value, null, 2));
      }),
      { numRuns: 2000 },
    );
  });

  it("given values JSON leaves out or changes (undefined, functions, toJSON, boxed primitives, NaN), then the pieces follow JSON.stringify's rules", () => {
    const odd = fc.oneof(
      fc.constant(undefined),
      fc.constant(() => 1),
      fc.constant(Number.NaN),
      fc.constant(new Date(0)),
      fc.constant(Object(7) as unknown),
      fc.constant(Object('boxed') as unknown),
      fc.constant({ toJSON: () => ({ as: 'json' }) }),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 1 }), odd, fc.array(tie('node')), fc.dictionary(fc.string(), tie('node'))),
    })).node;
    fc.assert(
      fc.property(fc.oneof(fc.array(value), fc.dictionary(fc.string(), value)), (v) => {
        expect(joined(v)).toBe(JSON.stringify(v, null, 2));
      }),
      { numRuns: 1000 },
    );
  });

  it('given a list of a million small objects, then it is written as many pieces, none of them the whole', () => {
    const versions = Array.from({ length: 1_000_000 }, (_, i) => ({ version: i + 1, run: `r${i}` }));
    let pieces = 0;
    let longest = 0;
    for (const piece of jsonTextPieces({ name: 'm', versions })) {
      pieces++;
      longest = Math.max(longest, piece.length);
    }
    expect(pieces).toBeGreaterThan(1_000_000);
    expect(longest).toBeLessThan(100);
  });
});
