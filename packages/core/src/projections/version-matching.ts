import type { VersionRef } from '../events/catalogue.js';
import { ownEntry, putEntry } from './own-keys.js';

/**
 * Matching a declared input to the dataset version it read: same dataset name
 * and same content (digest; for stores that defer digests, same snapshot).
 * An input may be declared before its version is recorded (external data seen
 * for the first time), so unmatched inputs wait in the index until it is.
 */
export interface VersionMatching {
  /** `name`, content key → version number (the latest version with that content). */
  versions: Record<string, Record<string, number>>;
  /**
   * `name`, content key → the runs whose input is waiting for that version, each with the log position of
   * its first such input (the order they are released in). Keyed by run, so that adding or dropping a
   * run does not read the others: thousands of runs may wait for content never recorded as a version (D154).
   */
  awaiting: Record<string, Record<string, Record<string, number>>>;
}

export const emptyVersionMatching = (): VersionMatching => ({ versions: {}, awaiting: {} });

/** The content identity of a ref, or null when it has none to match on. */
export function contentKey(ref: VersionRef): string | null {
  if (ref.digest) return ref.digest;
  if (ref.snapshotId) return `${ref.store}:snapshot:${ref.snapshotId}`;
  return null;
}

/** Record a version; returns the runs that were waiting for it (their inputs now resolve to it), in the order they declared them. */
export function recordVersion(index: VersionMatching, name: string, ref: VersionRef, version: number): string[] {
  const key = contentKey(ref);
  if (key === null) return [];
  putEntry(ownEntry(index.versions, name) ?? putEntry(index.versions, name, {}), key, version);
  const awaitingOfName = ownEntry(index.awaiting, name);
  const waiting = awaitingOfName && ownEntry(awaitingOfName, key);
  if (!awaitingOfName || !waiting) return [];
  delete awaitingOfName[key];
  if (Object.keys(awaitingOfName).length === 0) delete index.awaiting[name];
  // A run id that reads as an array index is listed first by its object: the positions give the order.
  return Object.entries(waiting)
    .sort((a, b) => a[1] - b[1])
    .map(([runId]) => runId);
}

/** The run waits under `name` for content `key`, which its input (declared at log position `at`) read. */
function wait(index: VersionMatching, name: string, key: string, runId: string, at: number): void {
  const awaitingOfName = ownEntry(index.awaiting, name) ?? putEntry(index.awaiting, name, {});
  const waiting = ownEntry(awaitingOfName, key) ?? putEntry(awaitingOfName, key, {});
  if (!Object.hasOwn(waiting, runId)) putEntry(waiting, runId, at);
}

/**
 * The version a run's input resolves to, among the names it may have (D122: its project's
 * dataset first, then the default project's, where stores written before projects numbered
 * apart keep every project's versions): the first name holding that content; else the run
 * waits under each name, and the first recorded settles it (`stopWaitingElsewhere`).
 */
export function resolveInputAmong(
  index: VersionMatching,
  names: readonly string[],
  ref: VersionRef,
  runId: string,
  at: number,
): { name: string; version: number } | undefined {
  const key = contentKey(ref);
  if (key === null) return undefined;
  for (const name of names) {
    const versionsOfName = ownEntry(index.versions, name);
    const version = versionsOfName && ownEntry(versionsOfName, key);
    if (version !== undefined) return { name, version };
  }
  for (const name of names) wait(index, name, key, runId, at);
  return undefined;
}

/**
 * The runs `released` by a version recorded under `name` no longer wait for its content under the other names
 * they may have (`namesOf`): their inputs resolved under `name`. Each name's emptied entries are dropped once.
 */
export function stopWaitingElsewhere(
  index: VersionMatching,
  name: string,
  ref: VersionRef,
  released: readonly string[],
  namesOf: (runId: string) => readonly string[],
): void {
  const key = contentKey(ref);
  if (key === null) return;
  const touched = new Set<string>();
  for (const runId of released) {
    for (const other of namesOf(runId)) {
      const awaitingOfName = other === name ? undefined : ownEntry(index.awaiting, other);
      const waiting = awaitingOfName && ownEntry(awaitingOfName, key);
      if (!waiting || !Object.hasOwn(waiting, runId)) continue;
      delete waiting[runId];
      touched.add(other);
    }
  }
  for (const other of touched) {
    const awaitingOfName = ownEntry(index.awaiting, other)!;
    if (Object.keys(ownEntry(awaitingOfName, key)!).length === 0) delete awaitingOfName[key];
    if (Object.keys(awaitingOfName).length === 0) delete index.awaiting[other];
  }
}
