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
  /** `name`, content key → runs whose input is waiting for that version. */
  awaiting: Record<string, Record<string, string[]>>;
}

export const emptyVersionMatching = (): VersionMatching => ({ versions: {}, awaiting: {} });

/** The content identity of a ref, or null when it has none to match on. */
export function contentKey(ref: VersionRef): string | null {
  if (ref.digest) return ref.digest;
  if (ref.snapshotId) return `${ref.store}:snapshot:${ref.snapshotId}`;
  return null;
}

/** Record a version; returns the runs that were waiting for it (their inputs now resolve to it). */
export function recordVersion(index: VersionMatching, name: string, ref: VersionRef, version: number): string[] {
  const key = contentKey(ref);
  if (key === null) return [];
  putEntry(ownEntry(index.versions, name) ?? putEntry(index.versions, name, {}), key, version);
  const awaitingOfName = ownEntry(index.awaiting, name);
  const waiting = awaitingOfName && ownEntry(awaitingOfName, key);
  if (!awaitingOfName || !waiting) return [];
  delete awaitingOfName[key];
  if (Object.keys(awaitingOfName).length === 0) delete index.awaiting[name];
  return waiting;
}

/** The version a run's input resolves to, or undefined when none is recorded yet (the run then waits for it). */
export function resolveInput(index: VersionMatching, name: string, ref: VersionRef, runId: string): number | undefined {
  const key = contentKey(ref);
  if (key === null) return undefined;
  const versionsOfName = ownEntry(index.versions, name);
  const version = versionsOfName && ownEntry(versionsOfName, key);
  if (version !== undefined) return version;
  const awaitingOfName = ownEntry(index.awaiting, name) ?? putEntry(index.awaiting, name, {});
  const waiting = ownEntry(awaitingOfName, key) ?? putEntry(awaitingOfName, key, []);
  if (!waiting.includes(runId)) waiting.push(runId);
  return undefined;
}

/**
 * The version a run's input resolves to, among the names it may have (D122: its project's
 * dataset first, then the default project's, where stores written before projects numbered
 * apart keep every project's versions): the first name holding that content; else the run
 * waits under each name, and the first recorded settles it (`stopWaiting` the others).
 */
export function resolveInputAmong(
  index: VersionMatching,
  names: readonly string[],
  ref: VersionRef,
  runId: string,
): { name: string; version: number } | undefined {
  const key = contentKey(ref);
  if (key === null) return undefined;
  for (const name of names) {
    const versionsOfName = ownEntry(index.versions, name);
    const version = versionsOfName && ownEntry(versionsOfName, key);
    if (version !== undefined) return { name, version };
  }
  for (const name of names) resolveInput(index, name, ref, runId);
  return undefined;
}

/** The run no longer waits for content `ref` under `name` (its input resolved under another of its names). */
export function stopWaiting(index: VersionMatching, name: string, ref: VersionRef, runId: string): void {
  const key = contentKey(ref);
  const awaitingOfName = ownEntry(index.awaiting, name);
  const waiting = key === null || !awaitingOfName ? undefined : ownEntry(awaitingOfName, key);
  if (!waiting || !awaitingOfName || key === null) return;
  const at = waiting.indexOf(runId);
  if (at !== -1) waiting.splice(at, 1);
  if (waiting.length === 0) delete awaitingOfName[key];
  if (Object.keys(awaitingOfName).length === 0) delete index.awaiting[name];
}
