import { canonicalJson, DotscienceError, EventMetaSchema, RecordedEventSchema, type EventMeta, type RecordedEvent } from '@dotscience/core';
import { type SealedEvent } from '@dotscience/core/store-kit';
import { jsonEvent, type EventData, type JSONType, type RecordedEvent as ServerRecordedEvent } from '@kurrent/kurrentdb-client';
import { corePositionOf } from './positions.js';
import { revisionOf } from './revisions.js';

/**
 * The envelope fields a KurrentDB event has no place for travel in its metadata,
 * a JSON object of strings only (what the server's newer append APIs accept):
 *
 * | key | value |
 * |---|---|
 * | `dotscience` | `"1"`, the format of this metadata |
 * | `schemaVersion` | the event's schema version, as decimal text |
 * | `meta` | the canonical JSON of the event's `meta` (what the hash covers) |
 * | `prevHash`, `hash` | the hash chain |
 * | `$correlationId`, `$causationId` | copies of `meta`'s, for the server's `$by_correlation_id` projection |
 *
 * The event id is the KurrentDB event id, the type its event type, the data its
 * JSON data; stream, revision, position and recordedAt (the server's `created`)
 * come from the server.
 */
export const METADATA_FORMAT = '1';

export interface EnvelopeMetadata {
  dotscience: typeof METADATA_FORMAT;
  schemaVersion: string;
  meta: string;
  prevHash: string;
  hash: string;
  $correlationId?: string;
  $causationId?: string;
}

const ENVELOPE_KEYS = ['schemaVersion', 'meta', 'prevHash', 'hash'] as const;

/** The envelope metadata of a server event, or what is wrong with it (the values are checked with the rest of the envelope). */
function envelopeMetadataFrom(metadata: unknown): EnvelopeMetadata | string {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return 'its metadata is not a JSON object';
  const m = metadata as Record<string, unknown>;
  if (m.dotscience !== METADATA_FORMAT) return `its metadata has no "dotscience": "${METADATA_FORMAT}"`;
  const missing = ENVELOPE_KEYS.filter((key) => typeof m[key] !== 'string');
  if (missing.length > 0) return `its metadata lacks ${missing.join(', ')} (text)`;
  return m as unknown as EnvelopeMetadata;
}

/** A server event that is not a dotscience event as this adapter writes them. */
export class ForeignEventError extends DotscienceError {
  readonly code = 'KURRENTDB_FOREIGN_EVENT';
  constructor(
    readonly serverStream: string,
    readonly revision: bigint,
    readonly reason: string,
  ) {
    super(
      `KurrentDB stream ${serverStream} revision ${revision} is not a dotscience event (${reason}) — something other than dotscience wrote to a dotscience stream; move that writer to another stream name or namespace`,
    );
  }
}

export function envelopeMetadataOf(event: SealedEvent): EnvelopeMetadata {
  const metadata: EnvelopeMetadata = {
    dotscience: METADATA_FORMAT,
    schemaVersion: String(event.schemaVersion),
    meta: canonicalJson(event.meta),
    prevHash: event.prevHash,
    hash: event.hash,
  };
  if (event.meta.correlationId !== undefined) metadata.$correlationId = event.meta.correlationId;
  if (event.meta.causationId !== undefined) metadata.$causationId = event.meta.causationId;
  return metadata;
}

/** The KurrentDB event for a sealed event: our id (so the server also knows a retry), type, JSON data, envelope metadata. */
export function eventDataOf(event: SealedEvent): EventData {
  return jsonEvent({
    id: event.id,
    type: event.type,
    // Any JSON value (the client writes JSON.stringify(data)); the client's type names only objects, arrays and strings.
    data: event.data as JSONType,
    metadata: envelopeMetadataOf(event) as unknown as JSONType,
  });
}

/** A recorded dotscience event from a server event of `stream` (already mapped out of the namespace). */
export function recordedEventOf(stream: string, event: ServerRecordedEvent): RecordedEvent {
  const foreign = (reason: string) => new ForeignEventError(event.streamId, event.revision, reason);
  if (!event.isJson) throw foreign('its data is not JSON');
  if (event.position === undefined) throw foreign('the server gave no position (KurrentDB 22.6 or later is required)');
  const metadata = envelopeMetadataFrom(event.metadata);
  if (typeof metadata === 'string') throw foreign(metadata);
  let meta: EventMeta;
  try {
    meta = EventMetaSchema.parse(JSON.parse(metadata.meta));
  } catch (error) {
    throw foreign(`its metadata.meta is not event meta (${(error as Error).message})`);
  }
  const recorded: RecordedEvent = {
    id: event.id,
    type: event.type,
    schemaVersion: /^[1-9][0-9]*$/.test(metadata.schemaVersion) ? Number(metadata.schemaVersion) : Number.NaN,
    data: event.data as RecordedEvent['data'],
    meta,
    stream,
    revision: revisionOf(event.revision),
    position: corePositionOf(event.position),
    recordedAt: event.created.toISOString(),
    prevHash: metadata.prevHash,
    hash: metadata.hash,
  };
  const checked = RecordedEventSchema.safeParse(recorded);
  if (!checked.success) throw foreign(`its envelope is invalid: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return recorded;
}
