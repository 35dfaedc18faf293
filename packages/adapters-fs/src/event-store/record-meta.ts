import type { EventMeta } from '@dotscience/core';

/**
 * How a record holds an event's `meta`. The usual meta (the keys EventMetaSchema knows:
 * correlationId, causationId, actor {user, host}, sdkVersion) is written as a compact array
 * `[correlationId, causationId, actor.user, actor.host, sdkVersion]`, null where a key is
 * absent (user and host are null together when there is no actor). JSON.parse pays for every
 * object property it meets, and meta's six (actor nested) were about a sixth of decoding a
 * metric event's record; rebuilding the object from the array costs less. Any other meta (an
 * unknown key, an actor without user or host) is written as its canonical JSON object, and
 * records written before the compact form hold that too: the reader tells them apart by
 * whether the value is an array.
 */
export const COMPACT_META_LENGTH = 5;

/** The last meta's canonical text and its record form: a batch's events usually share one meta. */
let lastCanonical: string | undefined;
let lastRecordText = '';

/** The record form of `meta`, whose canonical JSON text is `canonical`. */
export function metaRecordText(meta: unknown, canonical: string): string {
  if (canonical !== lastCanonical) {
    // The canonical text fixes every defined key and value, so it decides the record form alone.
    lastRecordText = compactMetaText(meta) ?? canonical;
    lastCanonical = canonical;
  }
  return lastRecordText;
}

/** The compact array's text, or undefined when `meta` holds anything it cannot (undefined values count as absent, as in canonical JSON). */
function compactMetaText(meta: unknown): string | undefined {
  if (!isRecord(meta)) return undefined;
  let correlationId = 'null';
  let causationId = 'null';
  let user = 'null';
  let host = 'null';
  let sdkVersion = 'null';
  for (const key of Object.keys(meta)) {
    const value = meta[key];
    if (value === undefined) continue;
    if (key === 'actor') {
      if (!isRecord(value)) return undefined;
      for (const actorKey of Object.keys(value)) {
        const v = value[actorKey];
        if (v === undefined) continue;
        if (typeof v !== 'string') return undefined;
        if (actorKey === 'user') user = JSON.stringify(v);
        else if (actorKey === 'host') host = JSON.stringify(v);
        else return undefined;
      }
      if (user === 'null' || host === 'null') return undefined;
      continue;
    }
    if (typeof value !== 'string') return undefined;
    if (key === 'correlationId') correlationId = JSON.stringify(value);
    else if (key === 'causationId') causationId = JSON.stringify(value);
    else if (key === 'sdkVersion') sdkVersion = JSON.stringify(value);
    else return undefined;
  }
  return `[${correlationId},${causationId},${user},${host},${sdkVersion}]`;
}

/** The meta a record's value holds: rebuilt from the compact array (keys in canonical order, as the object form reads), or the object itself. */
export function metaOfRecord(value: unknown): EventMeta | undefined {
  if (!Array.isArray(value)) return value as EventMeta;
  if (value.length !== COMPACT_META_LENGTH) return undefined;
  const [correlationId, causationId, user, host, sdkVersion] = value as Array<string | null>;
  const meta: EventMeta = {};
  if (user !== null && user !== undefined) meta.actor = { host: host!, user };
  if (causationId !== null) meta.causationId = causationId;
  if (correlationId !== null) meta.correlationId = correlationId;
  if (sdkVersion !== null) meta.sdkVersion = sdkVersion;
  return meta;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
