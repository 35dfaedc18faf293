import { VersionRefSchema, type EventStore, type JsonValue, type VersionRef } from '@dotscience/core';

/**
 * Every data version any recorded event refers to, of any event type — found by
 * shape (a VersionRef anywhere in an event's data), so a version referenced by an
 * event type added later (a captured log, a stored diff) is still kept by gc.
 */
export async function referencedVersions(events: EventStore): Promise<VersionRef[]> {
  const found = new Map<string, VersionRef>();
  const visit = (value: JsonValue): void => {
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    const ref = VersionRefSchema.safeParse(value);
    if (ref.success) found.set(`${ref.data.store}|${ref.data.digest ?? ''}|${ref.data.snapshotId ?? ''}`, ref.data);
    for (const item of Object.values(value)) visit(item);
  };
  for await (const e of events.readAll()) visit(e.data);
  return [...found.values()];
}
