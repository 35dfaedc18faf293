import type { VersionRef } from '../events/catalogue.js';
import { contentKey } from '../projections/version-matching.js';

/** One recorded version of a dataset or model stream. */
export interface RecordedVersion {
  version: number;
  ref: VersionRef;
}

/**
 * When a captured version deserves a new version number:
 * - 'changed': unless the latest version has the same content (an output or a
 *   model rewritten with identical bytes is the same version; content that goes
 *   back to an older version is a new version, as in DVC or a model registry);
 * - 'unseen': unless any version has the same content (external data first seen
 *   as an input).
 * Content is compared by digest (or snapshot, for stores that defer digests);
 * a ref with neither is always new.
 */
export type VersionPolicy = 'changed' | 'unseen';

/** A new version with this number, or the existing version that already holds the content. */
export type VersionDecision = { create: true; version: number } | { create: false; version: number };

/** Same content: equal digests (or snapshots, for stores that defer digests). A ref with neither equals nothing. */
export function sameContent(a: VersionRef, b: VersionRef): boolean {
  const key = contentKey(a);
  return key !== null && key === contentKey(b);
}

/** Number a captured version: previous + 1, unless the policy says the content is already a version. */
export function decideVersion(versions: readonly RecordedVersion[], ref: VersionRef, policy: VersionPolicy): VersionDecision {
  let latest: RecordedVersion | undefined;
  for (const v of versions) if (!latest || v.version > latest.version) latest = v;
  const candidates = policy === 'changed' ? (latest ? [latest] : []) : versions;
  const existing = candidates.filter((v) => sameContent(v.ref, ref));
  if (existing.length > 0) return { create: false, version: Math.max(...existing.map((v) => v.version)) };
  return { create: true, version: (latest?.version ?? 0) + 1 };
}
