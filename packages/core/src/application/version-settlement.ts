import type { NewEvent, RecordedEvent } from '../events/envelope.js';
import type { VersionRef } from '../events/catalogue.js';
import type { VersionNumbering } from '../events/version-numbering.js';
import { derivedEventId } from './project-creation.js';
import { versionKey } from '../projections/version-settlement.js';

/**
 * Settling version numbers on a push (docs/decisions.md D104): a dataset or model version a
 * workstation recorded is copied to the hub as the hub's own event — same content, same
 * producing run, numbered next after the hub's settled versions, `numbering: { by: 'hub',
 * settles: <the local event's id> }` — under an id derived from the local event's id, so a
 * push repeated (or resumed) finds the copy it made and makes no second one.
 */

/** The id of the hub's copy settling the local event `localId`: a UUID (v5 layout) from sha256, the same on every store. */
export function settledCopyId(localId: string): string {
  return derivedEventId(`dotscience settles ${localId}`);
}

interface VersionEventData {
  version: number;
  ref: VersionRef;
  producedBy?: string;
  numbering?: VersionNumbering;
}

/** A version event's identity across stores (content and producing run), or null for a ref with no content. */
export function versionIdentity(event: Pick<RecordedEvent, 'data'>): string | null {
  const data = event.data as unknown as VersionEventData;
  return versionKey(data.ref, data.producedBy);
}

/** Settled: numbered by the hub, or recorded before numbering was recorded. */
export function isSettledVersion(event: Pick<RecordedEvent, 'data'>): boolean {
  return (event.data as unknown as VersionEventData).numbering?.by !== 'local';
}

/** The hub's copy of `local`, numbered `version`, settling it. */
export function settledCopyOf(local: RecordedEvent, version: number): NewEvent {
  const data = { ...(local.data as Record<string, unknown>), version, numbering: { by: 'hub', settles: local.id } };
  return { id: settledCopyId(local.id), type: local.type, schemaVersion: local.schemaVersion, data: data as NewEvent['data'], meta: local.meta };
}
