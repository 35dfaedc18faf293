import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { VersionRef } from '../../../src/index.js';
import { newestWithIdentity, type IdentifiedVersionView } from '../../../src/projections/fast/version-by-identity.js';
import { contentKey } from '../../../src/projections/version-matching.js';

interface View extends IdentifiedVersionView {
  version: number;
}

/** The plain path: scan the list from its end. */
function scannedFromEnd(versions: readonly View[], content: string, producer: string | null): View | undefined {
  for (let i = versions.length - 1; i >= 0; i--) {
    const v = versions[i]!;
    if (v.producedBy === producer && contentKey(v.ref) === content) return v;
  }
  return undefined;
}

const digestOf = (n: number): string => `sha256:${n.toString(16).padStart(64, '0')}`;
/** Content 0 has none to match on, 1 is a snapshot, any other a digest. */
const refOf = (content: number): VersionRef =>
  content === 0
    ? { store: 'http', kind: 'file', bytes: 1, files: 1 }
    : content === 1
      ? { store: 'zfs', snapshotId: 'pool@s1', kind: 'directory', bytes: 1, files: 1 }
      : { store: 'fs', digest: digestOf(content), kind: 'file', bytes: 1, files: 1 };
const producers = ['run-a', 'run-b', '', null] as const;
/** Identities looked up besides those in the list: ones no view has. */
const absent: Array<[string, string | null]> = [
  [digestOf(9999), 'run-a'],
  ['zfs:snapshot:pool@s1', null],
  [digestOf(2), 'run-z'],
];

/** What is done to a list between look-ups: the projections push views and sort or renumber them in place; a decider copies them. */
type Step =
  | { kind: 'push'; content: number; producer: number; version: number }
  | { kind: 'pushAgain'; at: number }
  | { kind: 'sort' }
  | { kind: 'renumber'; at: number; version: number }
  | { kind: 'copy' };

/** Steps; `repeats`: a view pushed twice, and contents few enough that one identity recurs (the index then gives way to the scan). */
const stepOf = (repeats: boolean): fc.Arbitrary<Step> =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('push' as const),
        content: repeats ? fc.nat({ max: 6 }) : fc.oneof(fc.constant(0), fc.integer({ min: 2, max: 1_000_000 })),
        producer: fc.nat({ max: 3 }),
        version: fc.nat({ max: 30 }),
      }),
    },
    { weight: repeats ? 1 : 0, arbitrary: fc.record({ kind: fc.constant('pushAgain' as const), at: fc.nat() }) },
    { weight: 2, arbitrary: fc.constant({ kind: 'sort' as const }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('renumber' as const), at: fc.nat(), version: fc.nat({ max: 30 }) }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'copy' as const }) },
  );

describe('the newest version view of a content and producing run (newestWithIdentity)', () => {
  it('given any list the projections could grow — views pushed, sorted and renumbered in place, lists copied, one identity or one view twice — finds what scanning from the end finds, after every step', () => {
    fc.assert(
      fc.property(
        fc.boolean().chain((repeats) => fc.array(stepOf(repeats), { minLength: 12, maxLength: 60, size: 'max' })),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
        (steps, lookAfter) => {
          let versions: View[] = [];
          steps.forEach((s, k) => {
            if (s.kind === 'push') versions.push({ version: s.version, ref: refOf(s.content), producedBy: producers[s.producer]! });
            else if (s.kind === 'pushAgain' && versions.length > 0) versions.push(versions[s.at % versions.length]!);
            else if (s.kind === 'sort') versions.sort((a, b) => a.version - b.version);
            else if (s.kind === 'renumber' && versions.length > 0) versions[s.at % versions.length]!.version = s.version;
            else if (s.kind === 'copy') versions = versions.map((v) => ({ ...v }));
            if (!lookAfter[k % lookAfter.length]) return;
            const identities = [...versions.map((v): [string, string | null] => [contentKey(v.ref) ?? 'sha256:none', v.producedBy]), ...absent];
            for (const [content, producer] of identities)
              expect(newestWithIdentity(versions, content, producer)).toBe(scannedFromEnd(versions, content, producer));
          });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('given 3,000 views pushed one at a time with a look-up before each, finds each one once it is in and none before', () => {
    const versions: View[] = [];
    for (let n = 0; n < 3000; n++) {
      const digest = `sha256:${n.toString(16).padStart(64, '0')}`;
      expect(newestWithIdentity(versions, digest, `r${n}`)).toBeUndefined();
      versions.push({ version: n + 1, ref: { store: 'fs', digest, kind: 'file', bytes: 1, files: 1 }, producedBy: `r${n}` });
      expect(newestWithIdentity(versions, digest, `r${n}`)).toBe(versions[n]);
    }
    expect(newestWithIdentity(versions, `sha256:${(0).toString(16).padStart(64, '0')}`, 'r1')).toBeUndefined();
  });
});
