/**
 * The canonical JSON of an array of strings, finite numbers, booleans and nulls, written by
 * JSON.stringify in one call (which writes such an array exactly as canonical JSON does,
 * element by element); undefined when the array holds anything else (an object, a hole,
 * a non-finite number), which the caller writes element by element. Metric columns are
 * arrays of thousands of numbers.
 */
export function primitiveArrayJson(values: readonly unknown[]): string | undefined {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const t = typeof v;
    if (t === 'number') {
      if (!Number.isFinite(v)) return undefined;
    } else if (t !== 'string' && t !== 'boolean' && v !== null) return undefined;
  }
  return JSON.stringify(values);
}
