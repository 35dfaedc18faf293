import type { VersionRef } from '../events/catalogue.js';
import type { VersionNumbering } from '../events/version-numbering.js';
import { newestWithIdentity } from './fast/version-by-identity.js';
import { contentKey } from './version-matching.js';

/**
 * Who gave a version the number a view shows (docs/decisions.md D104):
 * 'local' — a store that shared nothing yet (provisional until the hub's copy settles it);
 * 'hub' — the shared store, in the order it recorded it (settled);
 * 'recorded' — an event written before version streams merged: its number stands as recorded.
 */
export type VersionNumberedBy = 'local' | 'hub' | 'recorded';

export function numberedBy(numbering: VersionNumbering | undefined): VersionNumberedBy {
  return numbering?.by ?? 'recorded';
}

/** A version's identity across stores: its content and the run that produced it; null for a ref with no content to match on. */
export function versionKey(ref: VersionRef, producedBy: string | null | undefined): string | null {
  const content = contentKey(ref);
  return content === null ? null : `${content} ${producedBy ?? ''}`;
}

/** What a version view holds that settling reads and changes. */
export interface NumberedVersionView {
  version: number;
  ref: VersionRef;
  producedBy: string | null;
  numbering: VersionNumberedBy;
}

/** A version event as settling reads it. */
export interface NumberedVersionEvent {
  version: number;
  ref: VersionRef;
  producedBy?: string | null;
  numbering?: VersionNumbering;
}

/** A version not seen yet: one answer for every such event. */
const NEW_VERSION: { readonly kind: 'new' } = Object.freeze({ kind: 'new' });

/**
 * Where a version event lands among a name's views: `settles` — a view numbered locally
 * that the hub's event (same content, same producing run) now numbers; `present` — a view
 * of this version already exists (a store holds a version once, whoever numbered it);
 * `new` — a version not seen yet.
 */
export function placeVersionEvent<V extends NumberedVersionView>(
  versions: readonly V[],
  event: NumberedVersionEvent,
): { kind: 'settles'; view: V } | { kind: 'present'; view: V } | { kind: 'new' } {
  const content = contentKey(event.ref);
  const producer = event.producedBy ?? null;
  const by = numberedBy(event.numbering);
  if (content === null) {
    const same = versions.find((v) => v.version === event.version && v.numbering === by);
    return same ? { kind: 'present', view: same } : NEW_VERSION;
  }
  // The newest view of the same content by the same run (a name holds each once), found without scanning them all.
  const same = newestWithIdentity(versions, content, producer);
  if (!same) return NEW_VERSION;
  // The hub's event settles a local claim, and its copy of a version recorded before numbering was (an older store's) too.
  const settles = by === 'hub' && (same.numbering === 'local' || (same.numbering === 'recorded' && event.numbering?.settles !== undefined));
  return settles ? { kind: 'settles', view: same } : { kind: 'present', view: same };
}

/** Settle a locally numbered view with the hub's number. */
export function settleView(view: NumberedVersionView, version: number): void {
  view.version = version;
  view.numbering = 'hub';
}

const inOrder = (a: NumberedVersionView, b: NumberedVersionView): number =>
  a.version - b.version || Number(a.numbering === 'local') - Number(b.numbering === 'local');

/**
 * Keep a name's views ordered after `changed` was added at the end or renumbered: by number;
 * a settled number before a provisional claim of the same number. Sorts only when `changed` is out of place.
 */
export function sortVersionViews(versions: NumberedVersionView[], changed: NumberedVersionView): void {
  const at = versions.lastIndexOf(changed); // a view just added is the last
  const before = versions[at - 1];
  const after = versions[at + 1];
  if ((before === undefined || inOrder(before, changed) <= 0) && (after === undefined || inOrder(changed, after) <= 0)) return;
  versions.sort(inOrder);
}

/**
 * The view a registry event names (D126): the version with the identity the event carries, wherever numbering
 * has put it since; an event recorded without one names the view its number names now (a settled number before
 * a provisional claim of the same number).
 */
export function namedVersionView<V extends NumberedVersionView>(
  versions: readonly V[],
  named: { version: number; versionIdentity?: string | undefined },
): V | undefined {
  if (named.versionIdentity !== undefined) return versions.find((v) => versionKey(v.ref, v.producedBy) === named.versionIdentity);
  return versions.find((v) => v.version === named.version && v.numbering !== 'local') ?? versions.find((v) => v.version === named.version);
}
