/**
 * Event payloads are plain JSON, where a key is either present with a value or
 * absent. zod keeps `key: undefined` from its input, and JSON has no undefined;
 * this returns the value with every undefined-valued key removed, at any depth
 * (the input is not changed).
 */
export function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutUndefined) as T;
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if (key === '__proto__') Object.defineProperty(out, key, { value: withoutUndefined(v), enumerable: true, writable: true, configurable: true });
    else out[key] = withoutUndefined(v);
  }
  return out as T;
}
