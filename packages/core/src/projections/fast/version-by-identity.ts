import type { VersionRef } from '../../events/catalogue.js';
import { contentKey } from '../version-matching.js';

/** What finding a version by its identity reads of a view: its content and its producing run (neither ever changes). */
export interface IdentifiedVersionView {
  ref: VersionRef;
  producedBy: string | null;
}

/**
 * The newest of `versions` (highest index) holding content `content` produced by `producer`: what
 * scanning the list from its end finds. Placing each version event among a name's versions scanned
 * them all, so rebuilding a name of n versions cost n²/2 comparisons (2,000 versions: rebuilding
 * provenance ran at 0.03–0.05× of 45c327c; docs/decisions.md D140). Here each list
 * keeps an index of its views by content and producer beside it, keyed by the list itself (a
 * WeakMap: it lives as long as the projection state holding the list, and a list read from a
 * checkpoint is indexed on its second look-up). Lists only grow by views added at their end and
 * sorted in place; views added since the last look-up are indexed from the end, and the index is
 * rebuilt when one was sorted in among the older views. A list holding two views of one identity
 * is scanned. Checked against the scan by test/projections/fast/version-by-identity.property.test.ts.
 */
export function newestWithIdentity<V extends IdentifiedVersionView>(versions: readonly V[], content: string, producer: string | null): V | undefined {
  const own = (versions as Partial<SelfIndexedVersions<V>>)[FIND_NEWEST_WITH_IDENTITY];
  if (own !== undefined) return own(identityKey(content, producer));
  const index = versions.length < SCANNED_BELOW ? undefined : indexOf(versions);
  if (index === undefined || index.ambiguous) return scanFromEnd(versions, content, producer);
  return heldWithIdentity(index, content, producer) as V | undefined;
}

/**
 * The method of a list that finds its newest view of an identity itself: a list an adapter keeps outside
 * memory and reads view by view, which a scan or an index built here would read whole (docs/decisions.md D171).
 * Given `identityKey(content, producer)`, it answers what scanning the list from its end would.
 */
export const FIND_NEWEST_WITH_IDENTITY: unique symbol = Symbol.for('dotscience.findNewestWithIdentity');

export interface SelfIndexedVersions<V> {
  [FIND_NEWEST_WITH_IDENTITY](identity: string): V | undefined;
}

/** One string per identity (content and producing run) that a self-indexed list is asked by. */
export function identityKey(content: string, producer: string | null): string {
  return JSON.stringify([content, producer]);
}

/** The identity key of a view, null when its ref has no content to match on. */
export function identityKeyOf(view: IdentifiedVersionView): string | null {
  const content = contentKey(view.ref);
  return content === null ? null : identityKey(content, view.producedBy);
}

/** Lists this short are scanned: an index would cost more than it saves. */
const SCANNED_BELOW = 8;

interface IdentityIndex {
  /**
   * Content → the view holding it, or the views holding it (by different producing runs). Contents rarely
   * recur, so most entries are one view: no map or set per view (D155).
   */
  byContent: Map<string, IdentifiedVersionView | IdentifiedVersionView[]>;
  /** Indexed views without content (so never looked up by it): how they are told apart from views added since. */
  uncontented: Set<IdentifiedVersionView>;
  /** How many of the list's entries are indexed. */
  entries: number;
  /** Two views with one identity: the index cannot say which is the newest. */
  ambiguous: boolean;
}

/** A list looked up once, not indexed yet: a list copied for one look-up (the model registry's decider copies its views per event) is only scanned. */
const SEEN_ONCE = 'seen once';

const indices = new WeakMap<readonly IdentifiedVersionView[], IdentityIndex | typeof SEEN_ONCE>();

/** The list's index, caught up with the views added since; undefined at a list's first look-up. */
function indexOf(versions: readonly IdentifiedVersionView[]): IdentityIndex | undefined {
  let index = indices.get(versions);
  if (index === undefined) {
    indices.set(versions, SEEN_ONCE);
    return undefined;
  }
  if (index === SEEN_ONCE) {
    index = indexed(versions);
    indices.set(versions, index);
    return index;
  }
  if (index.entries === versions.length) return index;
  for (let i = versions.length - 1; i >= 0 && index.entries < versions.length; i--) {
    const view = versions[i]!;
    if (holds(index, view)) break;
    add(index, view);
  }
  if (index.entries !== versions.length) {
    index = indexed(versions);
    indices.set(versions, index);
  }
  return index;
}

function indexed(versions: readonly IdentifiedVersionView[]): IdentityIndex {
  const index: IdentityIndex = { byContent: new Map(), uncontented: new Set(), entries: 0, ambiguous: false };
  for (const view of versions) add(index, view);
  return index;
}

/** Whether `view` itself is indexed. */
function holds(index: IdentityIndex, view: IdentifiedVersionView): boolean {
  const content = contentKey(view.ref);
  if (content === null) return index.uncontented.has(view);
  const held = index.byContent.get(content);
  return held === view || (Array.isArray(held) && held.includes(view));
}

function add(index: IdentityIndex, view: IdentifiedVersionView): void {
  index.entries++;
  const content = contentKey(view.ref);
  if (content === null) {
    index.uncontented.add(view);
    return;
  }
  const held = index.byContent.get(content);
  if (held === undefined) {
    index.byContent.set(content, view);
    return;
  }
  if (held === view || (Array.isArray(held) && held.includes(view))) return; // the same view twice in the list: it is the one either way
  const views = Array.isArray(held) ? held : [held];
  if (views.some((v) => v.producedBy === view.producedBy)) index.ambiguous = true;
  else views.push(view);
  if (views !== held) index.byContent.set(content, views);
}

/** The indexed view of content `content` produced by `producer`. */
function heldWithIdentity(index: IdentityIndex, content: string, producer: string | null): IdentifiedVersionView | undefined {
  const held = index.byContent.get(content);
  if (held === undefined || !Array.isArray(held)) return held?.producedBy === producer ? held : undefined;
  return held.find((v) => v.producedBy === producer);
}

function scanFromEnd<V extends IdentifiedVersionView>(versions: readonly V[], content: string, producer: string | null): V | undefined {
  for (let i = versions.length - 1; i >= 0; i--) {
    const v = versions[i]!;
    if (v.producedBy === producer && contentKey(v.ref) === content) return v;
  }
  return undefined;
}
