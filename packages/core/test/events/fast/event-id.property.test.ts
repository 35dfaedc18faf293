import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isEventId } from '../../../src/events/fast/event-id.js';

/** What NewEventSchema checks an id with. */
const zodUuid = z.uuid();

/** Ids next to valid ones: one character replaced (at the dashes, the version and variant digits most often), one added or one removed. */
const nearId = fc
  .tuple(
    fc.oneof(
      fc.uuid(),
      fc.constantFrom('00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF'),
    ),
    fc.oneof(fc.constantFrom(8, 13, 14, 18, 19, 23, 0, 35), fc.nat({ max: 35 })),
    fc.constantFrom('-', '0', '1', '8', '9', 'a', 'A', 'b', 'B', 'c', 'C', 'f', 'F', 'g', 'G', '@', '`', '/', ':', '\n', ' ', 'é', '٣'),
    fc.constantFrom('replace', 'insert', 'remove'),
  )
  .map(([id, at, char, edit]) => id.slice(0, at) + (edit === 'remove' ? '' : char) + id.slice(edit === 'insert' ? at : at + 1));

describe('event ids checked without the regex (fast/event-id.ts)', () => {
  it("given ids of every form and ids next to them, when checked, then the verdict is z.uuid()'s", () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(nearId, fc.uuid({ version: [1, 2, 3, 4, 5, 6, 7, 8] }), fc.string({ minLength: 36, maxLength: 36 }), fc.string()), (id) => {
        const zodAccepts = zodUuid.safeParse(id).success;
        expect(isEventId(id)).toBe(zodAccepts);
        if (zodAccepts) accepted++;
      }),
      { numRuns: 5000 },
    );
    expect(accepted).toBeGreaterThan(500); // both verdicts are met often
  });
});
