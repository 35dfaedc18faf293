import { canonicalJson } from '../canonical-json.js';
import { canonicalFields, type CanonicalFields, type HashedFields } from '../hash-chain.js';
import { jsonString } from './json-string.js';

/**
 * `canonicalFields` for the events of one append, in order. An append's events share
 * their stream, and usually their type and their meta (one correlation id, actor and
 * SDK version per run): the stream is written once, and a type or meta equal in value
 * to the previous event's reuses that event's text. Writing a meta object as canonical
 * JSON costs about as much as writing a metric's data; comparing it costs a few
 * string comparisons. The texts are exactly canonicalFields' (checked by
 * test/events/batch-canonical-fields.test.ts).
 */
export class BatchCanonicalFields {
  private readonly streamText: string;
  private lastType: string | undefined;
  private lastTypeText = '';
  private lastMeta: unknown = NONE_YET;
  private lastMetaText = '';
  private lastSchemaVersion: unknown = NONE_YET;
  private lastSchemaVersionText = '';

  /** The events of the append when parseNewEvents vouched for their data's native text, in order; else undefined. */
  private readonly parsed: readonly { id: unknown; data: unknown }[] | undefined;
  private next = 0;

  /**
   * `events`: the append's events as parseNewEvents returned them, when `of` is to be called
   * for them in order: while the array's `dataTextIsCanonical` holds (taken here), the data
   * objects it holds are written by the native JSON writer, and its ids (UUIDs, checked) are
   * quoted without an escaping check.
   */
  constructor(
    readonly stream: string,
    events?: readonly { id: unknown; data: unknown }[] & { dataTextIsCanonical?: boolean },
  ) {
    this.streamText = canonicalJson(stream);
    this.parsed = events !== undefined && takeDataTextIsCanonical(events) ? events : undefined;
  }

  /** The canonical texts of one event's hashed fields (its stream is this batch's). */
  of(e: Omit<HashedFields, 'stream'>): CanonicalFields {
    const { id, type, schemaVersion, revision, data, meta } = e;
    try {
      if (type !== this.lastType) {
        this.lastTypeText = canonicalJson(type);
        this.lastType = type;
      }
      if (!sameJsonValue(meta, this.lastMeta, 0)) {
        this.lastMetaText = canonicalJson(meta);
        this.lastMeta = meta;
      }
      if (schemaVersion !== this.lastSchemaVersion) {
        this.lastSchemaVersionText = canonicalJson(schemaVersion);
        this.lastSchemaVersion = schemaVersion;
      }
      // A data copy made by parseNewEvents (the one the trusted array holds next) is already in canonical order:
      // the native writer writes its text. Anything else (a primitive, another object) is written by canonicalJson.
      const parsed = this.parsed?.[this.next++];
      return {
        data: parsed?.data === data && typeof data === 'object' && data !== null ? JSON.stringify(data) : canonicalJson(data),
        // A string's and a safe integer's canonical texts, written without canonicalJson's checks and flattening
        // (the store flattens the texts it builds from these when it encodes them).
        // An id parseNewEvents checked is a UUID (hex digits and dashes): its text needs no escaping.
        id: parsed?.id === id ? `"${id}"` : typeof id === 'string' ? jsonString(id) : canonicalJson(id),
        meta: this.lastMetaText,
        revision: Number.isSafeInteger(revision) ? `${revision}` : canonicalJson(revision),
        schemaVersion: this.lastSchemaVersionText,
        stream: this.streamText,
        type: this.lastTypeText,
      };
    } catch {
      this.lastType = undefined;
      this.lastMeta = NONE_YET;
      this.lastSchemaVersion = NONE_YET;
      return canonicalFields({ ...e, stream: this.stream }); // throws again, naming the path from $
    }
  }
}

/**
 * Whether parseNewEvents vouched that JSON.stringify writes the data of `events` as canonical
 * JSON, and take that (so a second writer built on the same array, whose data the caller may
 * have changed since, writes them canonically). False too when a `toJSON` on Object.prototype
 * or Array.prototype would make JSON.stringify write something else.
 */
function takeDataTextIsCanonical(events: { dataTextIsCanonical?: boolean }): boolean {
  if (events.dataTextIsCanonical !== true) return false;
  events.dataTextIsCanonical = false;
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
