import type { EventMeta, NewEvent } from '../envelope.js';
import { isEventId } from './event-id.js';
import { plainJsonCopy } from './plain-json-copy.js';

/** A new event checked without zod, and whether JSON.stringify writes its data as canonical JSON. */
export interface PlainNewEvent {
  event: NewEvent;
  /** See PlainJsonCopy: the data copy's objects have their keys in canonical order, and none is an array index. */
  dataTextIsCanonical: boolean;
}

/**
 * `parseInput(NewEventSchema, value)` without zod, for what is plainly valid: the same
 * output (unknown keys stripped, a fresh deep copy of data and meta, every -0 in data made
 * 0). Undefined for anything it cannot vouch for — invalid, or merely unusual (symbol keys,
 * `__proto__` keys, class instances) — which the caller hands to zod for the verdict. It
 * never accepts what zod refuses. Every store parses every appended event, and zod spends
 * most of its time on a small event in the JSON union.
 * Checked against zod by test/events/new-event-parse.property.test.ts.
 */
export function plainlyValidNewEvent(value: unknown): PlainNewEvent | undefined {
  if (!isObject(value)) return undefined;
  const { id, type, schemaVersion } = value;
  if (typeof id !== 'string' || !isEventId(id)) return undefined;
  if (typeof type !== 'string' || type.length === 0) return undefined;
  if (typeof schemaVersion !== 'number' || !Number.isSafeInteger(schemaVersion) || schemaVersion <= 0) return undefined;
  const data = plainJsonCopy(value.data);
  if (data === undefined) return undefined;
  const meta = plainMetaCopy(value.meta);
  if (meta === undefined) return undefined;
  return { event: { id, type, schemaVersion, data: data.copy, meta }, dataTextIsCanonical: data.nativeTextIsCanonical };
}

const META_STRING_KEYS = ['correlationId', 'causationId'] as const;

/** EventMetaSchema's output (its keys in its order): optional keys absent stay absent, present-but-undefined stay undefined (zod's rule). */
function plainMetaCopy(meta: unknown): EventMeta | undefined {
  if (!isObject(meta)) return undefined;
  const out: EventMeta = {};
  for (const key of META_STRING_KEYS) {
    if (!(key in meta)) continue;
    const v = meta[key];
    if (v !== undefined && typeof v !== 'string') return undefined;
    out[key] = v;
  }
  if ('actor' in meta) {
    const actor = meta.actor;
    if (actor === undefined) out.actor = undefined;
    else if (isObject(actor) && typeof actor.user === 'string' && typeof actor.host === 'string') out.actor = { user: actor.user, host: actor.host };
    else return undefined;
  }
  if ('sdkVersion' in meta) {
    const v = meta.sdkVersion;
    if (v !== undefined && typeof v !== 'string') return undefined;
    out.sdkVersion = v;
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
