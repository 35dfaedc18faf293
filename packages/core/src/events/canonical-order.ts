/**
 * Appends whose events' data JSON.stringify writes as canonical JSON: arrays of events
 * made by parseNewEvents, every data a plain JSON copy with each object's keys in sorted
 * order and no array-index key. The mark is taken (removed) when a BatchCanonicalFields
 * is built on the array, by the store sealing the append, so an array a caller later
 * changes is never trusted: before that, the array and its copies are held only by the
 * store that parsed them. BatchCanonicalFields trusts only the data objects the array
 * holds, in order (compared by reference).
 */
const inCanonicalOrder = new WeakSet<object>();

export function markCanonicalOrder(events: readonly unknown[]): void {
  inCanonicalOrder.add(events);
}

/**
 * Whether `events` is such an array (and take its mark). False too when a `toJSON` on
 * Object.prototype or Array.prototype would make JSON.stringify write something else.
 */
export function takeCanonicalOrder(events: readonly unknown[]): boolean {
  if (!inCanonicalOrder.delete(events)) return false;
  return !('toJSON' in Object.prototype) && !('toJSON' in Array.prototype);
}
