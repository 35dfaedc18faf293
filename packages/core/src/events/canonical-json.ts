import type { JsonValue } from './json.js';

/**
 * Canonical JSON: object keys sorted by code point, no whitespace, numbers and
 * strings as JSON.stringify writes them. Equal values always give equal text,
 * which is what the hash chain needs.
 *
 * This is on the append hot path (every event is hashed), so the writer builds
 * no path strings while it works; only when a value JSON cannot represent is met
 * is the value walked again to name where it is.
 */
export function canonicalJson(value: unknown): string {
  try {
    return write(value as JsonValue);
  } catch (err) {
    if (err !== UNREPRESENTABLE) throw err;
    const found = firstUnrepresentable(value, '$');
    const what = typeof found?.value === 'number' ? `${found.value}` : `a ${typeof found?.value}`;
    throw new TypeError(`canonicalJson: ${found?.path ?? '$'} is ${what}, which JSON cannot represent`);
  }
}

/** Thrown (without a message, so nothing is formatted) by the fast writer; canonicalJson turns it into a TypeError naming the path. */
const UNREPRESENTABLE: unique symbol = Symbol('unrepresentable');

function write(value: JsonValue | undefined): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw UNREPRESENTABLE;
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        // Arrays of primitives (metric columns: thousands of numbers) are written by JSON.stringify in one call,
        // which writes them exactly as the element-wise path would; objects, holes and non-finite numbers take that path.
        if (isPrimitiveArray(value)) return JSON.stringify(value);
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + write(value[i]);
        return out + ']';
      }
      const keys = Object.keys(value).sort();
      let out = '{';
      let separator = '';
      for (const k of keys) {
        const v = value[k];
        if (v === undefined) continue;
        out += separator + keyText(k) + write(v);
        separator = ',';
      }
      return out + '}';
    }
    default:
      throw UNREPRESENTABLE;
  }
}

function isPrimitiveArray(values: readonly unknown[]): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const t = typeof v;
    if (t === 'number') {
      if (!Number.isFinite(v)) return false;
    } else if (t !== 'string' && t !== 'boolean' && v !== null) return false;
  }
  return true;
}

/** `"key":` as JSON writes it, remembered for the first few thousand distinct keys (payload keys repeat across events). */
const keyTexts = new Map<string, string>();
const KEY_TEXTS_MAX = 4096;

function keyText(key: string): string {
  let text = keyTexts.get(key);
  if (text === undefined) {
    text = `${JSON.stringify(key)}:`;
    if (keyTexts.size < KEY_TEXTS_MAX) keyTexts.set(key, text);
  }
  return text;
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
