import { z } from 'zod';
import { parseInput } from '../errors/parse-input.js';
import { InvalidInputError } from '../errors/store-errors.js';
import { sortedKeys } from './canonical-json.js';
import { markCanonicalOrder } from './canonical-order.js';
import { JsonValueSchema, TimestampSchema, type JsonValue } from './json.js';

export const EventMetaSchema = z.object({
  correlationId: z.string().optional(),
  causationId: z.string().optional(),
  actor: z.object({ user: z.string(), host: z.string() }).optional(),
  sdkVersion: z.string().optional(),
});
export type EventMeta = z.infer<typeof EventMetaSchema>;

const hashHex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits (sha256)');

/** An event as a writer hands it to `EventStore.append`: the store assigns the rest. */
export const NewEventSchema = z.object({
  id: z.uuid({ message: 'must be a UUID' }),
  type: z.string().min(1),
  schemaVersion: z.number().int().positive(),
  data: JsonValueSchema,
  meta: EventMetaSchema,
});
export type NewEvent = z.infer<typeof NewEventSchema>;

/**
 * `parseInput(NewEventSchema, value, subject)` at append speed. Every store parses
 * every appended event, and zod spends ~8 µs on a small one, mostly in the JSON
 * union. A plain structural check accepts what is plainly valid and returns what
 * zod would (unknown keys stripped, a fresh deep copy of data and meta); anything
 * it cannot vouch for — invalid or merely unusual (symbol keys, `__proto__` keys,
 * class instances) — goes to zod, which refuses it with the usual InvalidInputError
 * or accepts it. So the fast path never accepts what zod refuses.
 * `subject` (what the error names) may be a function, called only when zod runs,
 * so a caller parsing many events builds no label for the valid ones.
 */
export function parseNewEvent(value: unknown, subject: string | (() => string)): NewEvent {
  lastDataInCanonicalOrder = false;
  const plain = plainlyValidNewEvent(value);
  if (plain) return plain;
  const label = typeof subject === 'string' ? subject : subject();
  const protoKey = isObject(value) ? protoKeyPath(value.data, ['data']) : undefined;
  if (!protoKey) {
    const parsed = parseInput(NewEventSchema, value, label);
    parsed.data = withoutNegativeZero(parsed.data);
    return parsed;
  }
  const protoProblem = { path: protoKey, message: PROTO_KEY_MESSAGE };
  try {
    parseInput(NewEventSchema, value, label);
  } catch (error) {
    if (error instanceof InvalidInputError) throw new InvalidInputError(label, [...error.problems, protoProblem]);
    throw error;
  }
  throw new InvalidInputError(label, [protoProblem]);
}

/**
 * `value` (a fresh copy made by zod) with every -0 made 0, in place. JSON has no negative
 * zero: the record holds 0, so the append's answer must hold 0 too, not what was sent.
 */
function withoutNegativeZero(value: JsonValue): JsonValue {
  if (typeof value === 'number') return value === 0 ? 0 : value;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = withoutNegativeZero(value[i]!);
  } else {
    for (const key of Object.keys(value)) value[key] = withoutNegativeZero(value[key]!);
  }
  return value;
}

const PROTO_KEY_MESSAGE = 'the key "__proto__" cannot be recorded: JavaScript objects treat it as the prototype, so it would be lost; rename the key';

/**
 * The path of an own `__proto__` key in data (from JSON.parse, say), else undefined. zod's
 * record drops such a key without an issue, so the event recorded and hashed would silently
 * differ from the one sent; it is refused instead.
 */
function protoKeyPath(value: unknown, path: string[]): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = protoKeyPath(value[i], [...path, String(i)]);
      if (found) return found;
    }
    return undefined;
  }
  if (Object.prototype.hasOwnProperty.call(value, '__proto__')) return [...path, '__proto__'].join('.');
  for (const key of Object.keys(value)) {
    const found = protoKeyPath((value as Record<string, unknown>)[key], [...path, key]);
    if (found) return found;
  }
  return undefined;
}

/**
 * `z.regexes.uuid().test(id)` (what NewEventSchema's `z.uuid()` checks) written out: 8-4-4-4-12 hex
 * digits, the version digit 1–8 and the variant 8, 9, a or b (either case), or the nil or the max
 * UUID (lowercase). The dashes are checked first, then the 32 digits by a table: ~80–115 ns an id
 * against the regex's ~150 (a first version looping over all 36 characters with branches took
 * ~210). A property test compares the verdict with the schema's.
 */
function isEventId(id: string): boolean {
  if (id.length !== 36 || id.charCodeAt(8) !== 45 || id.charCodeAt(13) !== 45 || id.charCodeAt(18) !== 45 || id.charCodeAt(23) !== 45) return false;
  for (let k = 0; k < 32; k++) {
    const c = id.charCodeAt(UUID_DIGIT_AT[k]!);
    if (c >= 128 || HEX_DIGIT[c] === 0) return false;
  }
  const version = id.charCodeAt(14);
  const variant = id.charCodeAt(19) | 0x20; // lowercase
  if (version >= 49 && version <= 56 && (variant === 56 || variant === 57 || variant === 97 || variant === 98)) return true;
  return id === '00000000-0000-0000-0000-000000000000' || id === 'ffffffff-ffff-ffff-ffff-ffffffffffff';
}
/** 1 for the ASCII codes of 0-9, a-f and A-F. */
const HEX_DIGIT = new Uint8Array(128);
for (const digit of '0123456789abcdefABCDEF') HEX_DIGIT[digit.charCodeAt(0)] = 1;
/** Where a UUID's 32 hex digits are (all but the dashes at 8, 13, 18 and 23). */
const UUID_DIGIT_AT = Uint8Array.from({ length: 36 }, (_, i) => i).filter((i) => i !== 8 && i !== 13 && i !== 18 && i !== 23);
const META_STRING_KEYS = ['correlationId', 'causationId'] as const;

function plainlyValidNewEvent(value: unknown): NewEvent | undefined {
  if (!isObject(value)) return undefined;
  const { id, type, schemaVersion } = value;
  if (typeof id !== 'string' || !isEventId(id)) return undefined;
  if (typeof type !== 'string' || type.length === 0) return undefined;
  if (typeof schemaVersion !== 'number' || !Number.isSafeInteger(schemaVersion) || schemaVersion <= 0) return undefined;
  arrayIndexKeySeen = false;
  const data = plainJsonCopy(value.data);
  if (data === NOT_PLAIN) return undefined;
  const meta = plainMetaCopy(value.meta);
  if (meta === undefined) return undefined;
  // Every object in the copy has its keys in canonical order; with no array-index key
  // (which JavaScript enumerates first, in numeric order) JSON.stringify writes its canonical JSON.
  lastDataInCanonicalOrder = !arrayIndexKeySeen;
  return { id, type, schemaVersion, data, meta };
}

/** EventMetaSchema's output: optional keys absent stay absent, present-but-undefined stay undefined (zod's rule). */
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

/**
 * `parseNewEvent` for each of an append's events (`subject(i)` names the i-th). When every
 * data copy has its objects' keys in canonical order (made by the plain path, without an
 * array-index key), the returned array is marked so (canonical-order.ts): BatchCanonicalFields
 * built on it writes each data's text with the native JSON writer. One mark per append, not
 * per event: a WeakSet entry added and taken per event cost ~0.2 µs of an append's ~5.
 */
export function parseNewEvents(values: readonly unknown[], subject: (i: number) => string): NewEvent[] {
  const parsed = new Array<NewEvent>(values.length);
  let canonicalOrder = true;
  for (let i = 0; i < values.length; i++) {
    parsed[i] = parseNewEvent(values[i], () => subject(i));
    canonicalOrder &&= lastDataInCanonicalOrder;
  }
  if (canonicalOrder) markCanonicalOrder(parsed);
  return parsed;
}

/** Set by parseNewEvent: whether the data it returned last is a plain copy whose text JSON.stringify writes canonically. */
let lastDataInCanonicalOrder = false;

const NOT_PLAIN: unique symbol = Symbol('not plain JSON');
/** Set by plainJsonCopy when a copied object has a key that is an array index ("0", "17"). */
let arrayIndexKeySeen = false;

/**
 * A deep copy of a JSON value made only of plain objects, arrays, strings, finite numbers,
 * booleans and null, each object's keys added in canonical (sorted) order; else NOT_PLAIN.
 */
function plainJsonCopy(value: unknown): JsonValue | typeof NOT_PLAIN {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // -0 === 0: a negative zero becomes 0, as JSON (and so the record) writes it.
      return Number.isFinite(value) ? (value === 0 ? 0 : value) : NOT_PLAIN;
    case 'object': {
      if (Array.isArray(value)) {
        const out: JsonValue[] = new Array(value.length);
        for (let i = 0; i < value.length; i++) {
          const item = plainJsonCopy(value[i]);
          if (item === NOT_PLAIN) return NOT_PLAIN;
          out[i] = item;
        }
        return out;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return NOT_PLAIN;
      if (Object.getOwnPropertySymbols(value).length > 0) return NOT_PLAIN;
      const record = value as Record<string, unknown>;
      const out: Record<string, JsonValue> = {};
      for (const key of sortedKeys(record)) {
        if (key === '__proto__') return NOT_PLAIN;
        if (!arrayIndexKeySeen && isArrayIndex(key)) arrayIndexKeySeen = true;
        const item = plainJsonCopy(record[key]);
        if (item === NOT_PLAIN) return NOT_PLAIN;
        out[key] = item;
      }
      return out;
    }
    default:
      return NOT_PLAIN;
  }
}

/** "0", "1", … "4294967294": keys JavaScript keeps apart and enumerates first. */
function isArrayIndex(key: string): boolean {
  const first = key.charCodeAt(0);
  if (first < 48 || first > 57 || (first === 48 && key.length > 1) || key.length > 10) return false;
  for (let i = 1; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return Number(key) < 4294967295;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An event as the store recorded it (DESIGN §2 envelope). */
export const RecordedEventSchema = NewEventSchema.extend({
  stream: z.string().min(1),
  revision: z.number().int().nonnegative(),
  position: z.number().int().nonnegative(),
  recordedAt: TimestampSchema,
  prevHash: hashHex,
  hash: hashHex,
});
export type RecordedEvent = z.infer<typeof RecordedEventSchema>;

/** The prevHash of the first event of every stream. */
export const GENESIS_HASH = '0'.repeat(64);
