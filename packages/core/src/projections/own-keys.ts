/**
 * Projection state is plain JSON objects keyed by user-chosen names (run ids,
 * dataset names, parameter names). Reading `state[name]` on a plain object
 * would find inherited members for names like `constructor`, and writing
 * `__proto__` would replace the prototype; these two only ever touch own keys.
 */
export function ownEntry<V>(record: Record<string, V>, key: string): V | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

export function putEntry<V>(record: Record<string, V>, key: string, value: NoInfer<V>): V {
  if (key === '__proto__') Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
  return value;
}
