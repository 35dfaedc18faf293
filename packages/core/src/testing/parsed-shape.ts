/**
 * A parsed value's keys in order at every depth, so that a fast parse path can be held to
 * "the same output as zod" including key order and present-but-undefined keys — except
 * inside `data`, whose objects parseNewEvent copies in canonical (sorted) key order, the
 * order a stored event's data is read back in: there the keys are compared sorted, and -0
 * (which parseNewEvent makes 0, as JSON writes it) is compared as 0.
 */
export function parsedShape(value: unknown, sorted = false): unknown {
  if (Array.isArray(value)) return value.map((v) => parsedShape(v, sorted));
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value);
    if (sorted) keys.sort();
    return keys.map((k) => [k, parsedShape((value as Record<string, unknown>)[k], sorted || k === 'data')]);
  }
  return sorted && value === 0 ? 0 : value;
}
