import {
  categoryOf,
  isSettledVersion,
  settledCopyId,
  settledCopyOf,
  versionIdentity,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
} from '@dotscience/core';

/**
 * What a sync copies of one stream (docs/decisions.md D104):
 * - 'exact': a stream with one writer (a run, a project created once) — the events the target
 *   lacks at their recorded revisions, with their ids, so both chains are the same;
 * - 'merge': a dataset or model stream several stores write — the events the target lacks by
 *   id, appended at the target's end (each store chains them in its own order); toward the hub
 *   (`settle`) each local version goes as the hub's copy settling it, numbered by the hub.
 */
export type StreamPlan = { kind: 'exact'; stream: string; events: RecordedEvent[] } | { kind: 'merge'; stream: string; events: MergedEvent[]; after: number };

/** A source event and the event the target is given for it (itself, or the hub's copy settling it). */
export interface MergedEvent {
  source: RecordedEvent;
  event: NewEvent;
}

/** The two logs hold different events at the same revision of a stream with one writer. */
export interface StreamConflict {
  stream: string;
  revision: number;
  sourceId: string;
  targetId: string;
  leftOut: number;
}

export interface PlannedStream {
  plan?: StreamPlan;
  present: number;
  conflict?: StreamConflict;
}

export const asNew = ({ id, type, schemaVersion, data, meta }: RecordedEvent): NewEvent => ({ id, type, schemaVersion, data, meta });

/** Plan the copy of `events` (one stream of the source) to `target`. */
export async function planStream(stream: string, events: readonly RecordedEvent[], target: EventStore, settle: boolean): Promise<PlannedStream> {
  const held: RecordedEvent[] = [];
  for await (const e of target.readStream(stream)) held.push(e);
  const category = categoryOf(stream);
  if (category === 'dataset' || category === 'model') return planMerge(stream, events, held, settle);
  if (category === 'project' && held.some((e) => e.type === 'ProjectCreated') && events.every((e) => e.type === 'ProjectCreated')) {
    // A project is created once, by whichever store first did: `ds init` on two workstations creates the same project.
    return { present: events.length };
  }
  for (const existing of held) {
    const mine = events[existing.revision];
    if (mine && (mine.id !== existing.id || mine.hash !== existing.hash)) {
      return {
        present: 0,
        conflict: { stream, revision: existing.revision, sourceId: mine.id, targetId: existing.id, leftOut: events.length - existing.revision },
      };
    }
  }
  const missing = events.slice(held.length);
  return { present: events.length - missing.length, ...(missing.length > 0 ? { plan: { kind: 'exact', stream, events: missing } } : {}) };
}

/** A version of a dataset or model, as opposed to what the model registry says of one (an alias, a tag, a description). */
const isVersionEvent = (e: RecordedEvent): boolean => e.type === 'DatasetVersionCreated' || e.type === 'ModelVersionCreated';

function planMerge(stream: string, events: readonly RecordedEvent[], held: readonly RecordedEvent[], settle: boolean): PlannedStream {
  const ids = new Set(held.map((e) => e.id));
  const heldVersions = held.filter(isVersionEvent);
  // Toward the hub, any version it holds settled is there; from the hub, only one it numbered settles ours.
  const settledThere = settle ? isSettledVersion : (e: RecordedEvent) => (e.data as { numbering?: { by?: string } }).numbering?.by === 'hub';
  const settled = new Set(
    heldVersions
      .filter(settledThere)
      .map(versionIdentity)
      .filter((k) => k !== null),
  );
  let next = heldVersions.filter(isSettledVersion).reduce((max, e) => Math.max(max, (e.data as { version: number }).version), 0) + 1;
  const merged: MergedEvent[] = [];
  let present = 0;
  for (const source of events) {
    if (!isVersionEvent(source)) {
      // A registry event goes as it is, by id: it names its version by identity as well as number (D126), so each store finds it.
      if (ids.has(source.id)) present++;
      else merged.push({ source, event: asNew(source) });
      continue;
    }
    const identity = versionIdentity(source);
    const alreadySettled = identity !== null && settled.has(identity);
    if (ids.has(source.id) || (settle && ids.has(settledCopyId(source.id))) || (alreadySettled && (settle || isSettledVersion(source)))) {
      present++;
      continue;
    }
    if (settle) {
      merged.push({ source, event: settledCopyOf(source, next++) });
      if (identity !== null) settled.add(identity);
    } else {
      merged.push({ source, event: asNew(source) });
      if (identity !== null && settledThere(source)) settled.add(identity);
    }
  }
  const after = held.length === 0 ? -1 : held[held.length - 1]!.revision;
  return { present, ...(merged.length > 0 ? { plan: { kind: 'merge', stream, events: merged, after } } : {}) };
}
