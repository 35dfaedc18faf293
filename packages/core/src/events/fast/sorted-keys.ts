/**
 * `Object.keys(record).sort()`, by insertion sort: for the handful of keys a payload object
 * has it costs less than Array.prototype.sort, and nothing when they are already in order
 * (as in a copy made by plainJsonCopy). `<` on strings compares UTF-16 code units, as the
 * default sort does.
 */
export function sortedKeys(record: object): string[] {
  const keys = Object.keys(record);
  if (keys.length > 16) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    if (keys[j]! < key) continue;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}
