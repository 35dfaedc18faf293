import { categoryOf, idOf, VersionRefSchema, type EventStore, type JsonValue, type RecordedEvent, type VersionRef } from '@dotscience/core';

/** A data version and the first recorded event that refers to it. */
export interface VersionReference {
  ref: VersionRef;
  stream: string;
  revision: number;
  position: number;
}

/** What tells two refs apart: the same version referenced twice is one version. */
function versionKey(ref: VersionRef): string {
  return `${ref.store}|${ref.digest ?? ''}|${ref.snapshotId ?? ''}`;
}

/** Every VersionRef anywhere in a JSON value (by shape), in document order. */
function versionRefsIn(value: JsonValue, found: VersionRef[] = []): VersionRef[] {
  if (value === null || typeof value !== 'object') return found;
  if (Array.isArray(value)) {
    for (const item of value) versionRefsIn(item, found);
    return found;
  }
  const ref = VersionRefSchema.safeParse(value);
  if (ref.success) found.push(ref.data);
  for (const item of Object.values(value)) versionRefsIn(item, found);
  return found;
}

/**
 * Every data version any recorded event refers to, of any event type, with the
 * first event that refers to it — found by shape (a VersionRef anywhere in an
 * event's data), so a version referenced by an event type added later (a
 * captured log, a stored diff) is still kept by gc and checked by audit. The events of
 * a deleted run (its run stream, and versions it produced) refer to nothing any more:
 * their data is kept only where another event refers to it (D108).
 */
export async function versionReferences(events: EventStore): Promise<VersionReference[]> {
  const deleted = await deletedRuns(events);
  const found = new Map<string, VersionReference>();
  for await (const e of events.readAll()) {
    if (deleted.size > 0 && deleted.has(ownerRunOf(e) ?? '')) continue;
    for (const ref of versionRefsIn(e.data)) {
      const key = versionKey(ref);
      if (!found.has(key)) found.set(key, { ref, ...eventPlace(e) });
    }
  }
  return [...found.values()];
}

/** The runs a RunDeleted event deleted (on their runmeta streams). */
async function deletedRuns(events: EventStore): Promise<Set<string>> {
  const deleted = new Set<string>();
  for await (const e of events.readAll()) if (e.type === 'RunDeleted' && categoryOf(e.stream) === 'runmeta') deleted.add(idOf(e.stream));
  return deleted;
}

/** The run an event's data belongs to: its run stream's, or the producer a version event names. */
function ownerRunOf(e: RecordedEvent): string | undefined {
  if (categoryOf(e.stream) === 'run') return idOf(e.stream);
  if (e.type !== 'DatasetVersionCreated' && e.type !== 'ModelVersionCreated') return undefined;
  const producer = (e.data as { producedBy?: unknown } | null)?.producedBy;
  return typeof producer === 'string' ? producer : undefined;
}

function eventPlace(e: RecordedEvent): Omit<VersionReference, 'ref'> {
  return { stream: e.stream, revision: e.revision, position: e.position };
}

/** Every data version any recorded event refers to (see `versionReferences`). */
export async function referencedVersions(events: EventStore): Promise<VersionRef[]> {
  return (await versionReferences(events)).map((r) => r.ref);
}
