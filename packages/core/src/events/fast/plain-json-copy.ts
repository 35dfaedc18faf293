import type { JsonValue } from '../json.js';
import { sortedKeys } from './sorted-keys.js';

/** A deep copy of a plain JSON value, and whether `JSON.stringify(copy)` is its canonical JSON. */
export interface PlainJsonCopy {
  copy: JsonValue;
  /**
   * True when no object of the copy has an array-index key ("0", "17"): JavaScript enumerates
   * such keys first, in numeric order, so only without them does JSON.stringify write every
   * object's keys in the sorted order the copy added them in.
   */
  nativeTextIsCanonical: boolean;
}

/**
 * A deep copy of `value` when it is made only of plain objects, arrays, strings, finite
 * numbers, booleans and null, each object's keys added in canonical (sorted) order and
 * every -0 made 0 (as JSON writes it); undefined for anything else (a class instance, a
 * symbol key, a `__proto__` key, a non-finite number, undefined …), which the caller then
 * hands to zod. The copy equals what JsonValueSchema's parse returns for such a value.
 */
export function plainJsonCopy(value: unknown): PlainJsonCopy | undefined {
  const keys = { arrayIndexSeen: false };
  const copy = copyOf(value, keys);
  return copy === NOT_PLAIN ? undefined : { copy, nativeTextIsCanonical: !keys.arrayIndexSeen };
}

const NOT_PLAIN: unique symbol = Symbol('not plain JSON');

function copyOf(value: unknown, keys: { arrayIndexSeen: boolean }): JsonValue | typeof NOT_PLAIN {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // -0 === 0: a negative zero becomes 0.
      return Number.isFinite(value) ? (value === 0 ? 0 : value) : NOT_PLAIN;
    case 'object': {
      if (Array.isArray(value)) {
        const out: JsonValue[] = new Array(value.length);
        for (let i = 0; i < value.length; i++) {
          const item = copyOf(value[i], keys);
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
        if (!keys.arrayIndexSeen && isArrayIndex(key)) keys.arrayIndexSeen = true;
        const item = copyOf(record[key], keys);
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
