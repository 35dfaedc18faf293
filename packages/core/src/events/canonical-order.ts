/**
 * Values whose JSON.stringify text is their canonical JSON: plain JSON copies that
 * parseNewEvent made with every object's keys in sorted order and no array-index key.
 * The mark is taken (removed) when the value is first written, by the store sealing
 * the event, so a value a caller later changes is never trusted: before that, the copy
 * is held only by the store that parsed it.
 */
const inCanonicalOrder = new WeakSet<object>();

export function markCanonicalOrder(value: object): void {
  inCanonicalOrder.add(value);
}

/**
 * Whether `value` is such a copy (and take its mark). False too when a `toJSON` on
 * Object.prototype or Array.prototype would make JSON.stringify write something else.
 */
export function takeCanonicalOrder(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || !inCanonicalOrder.delete(value)) return false;
  return !('toJSON' in Object.prototype) && !('toJSON' in Array.prototype);
}
