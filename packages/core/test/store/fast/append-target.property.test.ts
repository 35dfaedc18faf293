import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppendTargetSchema } from '../../../src/store/append-rules.js';
import { plainAppendTarget } from '../../../src/store/fast/append-target.js';

const streams = fc.oneof(fc.string(), fc.constantFrom('', 'run-x', 'dataset-a'), fc.integer(), fc.constant(null), fc.constant(undefined));
const expectations = fc.oneof(
  fc.constant(undefined),
  fc.integer({ min: -3, max: 100 }),
  fc.double(),
  fc.constantFrom(2 ** 53, -1, 0, Number.NaN, Number.POSITIVE_INFINITY, 'no_stream', 'stream_exists', 'any', 'latest', '3', null, true),
  fc.string(),
);

describe('plainAppendTarget (the fast path of every append target check)', () => {
  it('given any stream and expected revision, when checked by the fast path, then it answers exactly what AppendTargetSchema answers, or leaves it to zod', () => {
    fc.assert(
      fc.property(streams, expectations, (stream, expectedRevision) => {
        const fast = plainAppendTarget(stream, expectedRevision);
        const plain = AppendTargetSchema.safeParse({ stream, expectedRevision });
        if (fast !== undefined) expect(plain.success && plain.data.expectedRevision).toBe(fast);
        else if (typeof stream === 'string' && stream.length > 0 && plain.success)
          throw new Error(`the fast path refused ${JSON.stringify(expectedRevision)}, which zod accepts`);
      }),
      { numRuns: 2000 },
    );
  });
});
