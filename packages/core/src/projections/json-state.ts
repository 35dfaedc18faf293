import type { JsonValue } from '../events/json.js';
import { ProjectionStateError } from './projection-errors.js';

/**
 * A detached copy of a projection's state as plain JSON — what a checkpoint
 * stores. Refuses (naming the path) anything JSON would silently change:
 * Dates, Maps, Sets, class instances, functions, bigint, NaN/Infinity, holes.
 * Properties whose value is `undefined` are left out, as JSON.stringify does.
 */
export function detachedJson(projection: string, state: unknown): JsonValue {
  const path: Array<string | number> = [];
  const fail = (found: string): never => {
    throw new ProjectionStateError(
      projection,
      path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
        .join('')
        .slice(1),
      found,
    );
  };
  const copy = (value: unknown): JsonValue => {
    switch (typeof value) {
      case 'string':
      case 'boolean':
        return value;
      case 'number':
        return Number.isFinite(value) ? value : fail(String(value));
      case 'object': {
        if (value === null) return null;
        if (Array.isArray(value)) {
          const out: JsonValue[] = new Array<JsonValue>(value.length);
          for (let i = 0; i < value.length; i++) {
            path.push(i);
            if (!(i in value) || value[i] === undefined) fail('undefined');
            out[i] = copy(value[i]);
            path.pop();
          }
          return out;
        }
        const proto = Object.getPrototypeOf(value) as unknown;
        if (proto !== Object.prototype && proto !== null) fail(`a ${(value as object).constructor?.name ?? 'non-plain'} object`);
        const out: { [key: string]: JsonValue } = {};
        for (const key of Object.keys(value)) {
          const v = (value as Record<string, unknown>)[key];
          if (v === undefined) continue;
          path.push(key);
          if (key === '__proto__') Object.defineProperty(out, key, { value: copy(v), enumerable: true, writable: true, configurable: true });
          else out[key] = copy(v);
          path.pop();
        }
        return out;
      }
      default:
        return fail(typeof value);
    }
  };
  return copy(state);
}
