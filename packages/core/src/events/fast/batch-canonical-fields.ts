import { canonicalJson } from '../canonical-json.js';
import { canonicalFields, type CanonicalFields, type HashedFields } from '../hash-chain.js';
import { jsonString } from './json-string.js';

/** An event of one append as `batchCanonicalFields` reads it (its stream and revision are the batch's). */
export type BatchEvent = Omit<HashedFields, 'stream' | 'revision'>;

/** Which events of the append to write, and what the caller vouches for. */
export interface BatchCanonicalFieldsOptions {
  /** The first event to write (default 0) and the one after the last (default all). */
  from?: number;
  to?: number;
  /**
   * True when every event's data is a copy made by parseNewEvents that vouched for its
   * native text (`takeDataTextVouch`): JSON.stringify then writes it, and each id is a
   * UUID, quoted without an escaping check. Default false.
   */
  dataTextIsCanonical?: boolean;
}

/**
 * `canonicalFields` of the events [from, to) of one append to `stream`, the event at index
 * i at revision `firstRevision + i`, in order. An append's events share their stream, and
 * usually their type and their meta (one correlation id, actor and SDK version per run):
 * the stream is written once, and a type or meta equal in value to the previous event's
 * reuses that event's text (the same string, so comparing two texts is cheap). Writing a
 * meta object as canonical JSON costs about as much as writing a metric's data; comparing
 * it costs a few string comparisons. Pure: it reads its arguments and changes nothing.
 * The texts are exactly canonicalFields' (checked by test/events/batch-canonical-fields.test.ts);
 * a value JSON cannot write throws canonicalFields' TypeError, naming its path from `$`.
 */
export function batchCanonicalFields(
  stream: string,
  events: readonly BatchEvent[],
  firstRevision: number,
  options: BatchCanonicalFieldsOptions = {},
): CanonicalFields[] {
  const { from = 0, to = events.length, dataTextIsCanonical = false } = options;
  const texts = new Array<CanonicalFields>(Math.max(0, to - from));
  const streamText = canonicalJson(stream);
  let lastType: string | undefined;
  let typeText = '';
  let lastMeta: unknown = NONE_YET;
  let metaText = '';
  let lastSchemaVersion: unknown = NONE_YET;
  let schemaVersionText = '';
  for (let i = from; i < to; i++) {
    const e = events[i]!;
    const { id, type, schemaVersion, data, meta } = e;
    const revision = firstRevision + i;
    try {
      if (type !== lastType) {
        typeText = canonicalJson(type);
        lastType = type;
      }
      if (!sameJsonValue(meta, lastMeta, 0)) {
        metaText = canonicalJson(meta);
        lastMeta = meta;
      }
      if (schemaVersion !== lastSchemaVersion) {
        schemaVersionText = canonicalJson(schemaVersion);
        lastSchemaVersion = schemaVersion;
      }
      texts[i - from] = {
        // A data copy parseNewEvents vouched for is already in canonical order: the native writer writes its text.
        data: dataTextIsCanonical && typeof data === 'object' && data !== null ? JSON.stringify(data) : canonicalJson(data),
        // A string's and a safe integer's canonical texts, written without canonicalJson's checks and flattening
        // (the store flattens the texts it builds from these when it encodes them).
        // An id parseNewEvents checked is a UUID (hex digits and dashes): its text needs no escaping.
        id: dataTextIsCanonical && typeof id === 'string' ? `"${id}"` : typeof id === 'string' ? jsonString(id) : canonicalJson(id),
        meta: metaText,
        revision: Number.isSafeInteger(revision) ? `${revision}` : canonicalJson(revision),
        schemaVersion: schemaVersionText,
        stream: streamText,
        type: typeText,
      };
    } catch (error) {
      canonicalFields({ ...e, stream, revision }); // throws again, naming the path from $
      throw error;
    }
  }
  return texts;
}

/**
 * Whether parseNewEvents vouched that JSON.stringify writes the data of `events` as canonical
 * JSON; the vouch is taken (so a later write of the same array, whose data the caller may
 * have changed since, writes them canonically). False too when a `toJSON` on Object.prototype
 * or Array.prototype would make JSON.stringify write something else. A store calls it once
 * per append, on the array parseNewEvents returned, and passes the answer to batchCanonicalFields.
 */
export function takeDataTextVouch(events: readonly unknown[]): boolean {
  const vouched = events as { dataTextIsCanonical?: boolean };
  if (vouched.dataTextIsCanonical !== true) return false;
  vouched.dataTextIsCanonical = false;
  return !('toJSON' in Object.prototype) && !('toJSON' in Array.prototype);
}

const NONE_YET: unique symbol = Symbol('none yet');
/** Deeper values are not compared (a meta is two levels deep); they count as different. */
const MAX_DEPTH = 3;

/**
 * Whether `a` and `b` have the same canonical JSON text, for the cheap cases: the same
 * primitive, or plain objects with the same keys whose values are so, recursively. False
 * means only "not shown equal" (arrays and deep values are not compared): the caller
 * then writes the text. `===` makes 0 and -0 equal, which canonical JSON writes alike,
 * and NaN unequal to itself, which it cannot write.
 */
function sameJsonValue(a: unknown, b: unknown, depth: number): boolean {
  if (a === b) return typeof a !== 'object' || a === null;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || depth >= MAX_DEPTH) return false;
  if (Array.isArray(a) || Array.isArray(b) || Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let keys = 0;
  for (const k in x) {
    if (!Object.hasOwn(y, k) || !sameJsonValue(x[k], y[k], depth + 1)) return false;
    keys++;
  }
  for (const k in y) if (Object.hasOwn(y, k)) keys--;
  return keys === 0;
}
