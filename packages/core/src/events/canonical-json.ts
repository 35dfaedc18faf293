import { flattened } from './fast/flat-string.js';
import { jsonKey } from './fast/json-key.js';
import { jsonString } from './fast/json-string.js';
import { primitiveArrayJson } from './fast/primitive-array-json.js';
import { sortedKeys } from './fast/sorted-keys.js';
import type { JsonValue } from './json.js';

/**
 * Canonical JSON: object keys sorted by code point, no whitespace, numbers and
 * strings as JSON.stringify writes them. Equal values always give equal text,
 * which is what the hash chain needs.
 *
 * The writer builds no path strings while it works; only when a value JSON cannot
 * represent is met is the value walked again to name where it is. The text is
 * returned flattened (fast/flat-string.ts), ready to be hashed.
 */
export function canonicalJson(value: unknown): string {
  try {
    return flattened(write(value as JsonValue));
  } catch (err) {
    if (err !== UNREPRESENTABLE) throw err;
    const found = firstUnrepresentable(value, '$');
    const what = typeof found?.value === 'number' ? `${found.value}` : `a ${typeof found?.value}`;
    // eslint-disable-next-line preserve-caught-error -- what was caught is the writer's sentinel, not an error worth keeping
    throw new TypeError(`canonicalJson: ${found?.path ?? '$'} is ${what}, which JSON cannot represent`);
  }
}

/** Thrown (without a message, so nothing is formatted) by the fast writer; canonicalJson turns it into a TypeError naming the path. */
const UNREPRESENTABLE: unique symbol = Symbol('unrepresentable');

function write(value: JsonValue | undefined): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return jsonString(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw UNREPRESENTABLE;
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        const primitives = primitiveArrayJson(value);
        if (primitives !== undefined) return primitives;
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + write(value[i]);
        return out + ']';
      }
      const keys = sortedKeys(value);
      let out = '{';
      let separator = '';
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        const v = value[k];
        if (v === undefined) continue;
        out += separator + jsonKey(k) + write(v);
        separator = ',';
      }
      return out + '}';
    }
    default:
      throw UNREPRESENTABLE;
  }
}

/** The first value, in the order `write` visits them, that JSON cannot represent, and its path. */
function firstUnrepresentable(value: unknown, path: string): { path: string; value: unknown } | undefined {
  if (value === null) return undefined;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : { path, value };
    case 'object': {
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const found = firstUnrepresentable(value[i], `${path}[${i}]`);
          if (found) return found;
        }
        return undefined;
      }
      const record = value as Record<string, unknown>;
      for (const k of Object.keys(record).sort()) {
        if (record[k] === undefined) continue;
        const found = firstUnrepresentable(record[k], `${path}.${k}`);
        if (found) return found;
      }
      return undefined;
    }
    default:
      return { path, value };
  }
}
