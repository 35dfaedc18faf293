/** The folds of k-fold cross-validation over `n` items: each index is in exactly one test fold. */
export function kFolds(n: number, k: number): Array<{ train: number[]; test: number[] }> {
  if (!Number.isInteger(k) || k < 2 || k > n) throw new Error(`k-fold cross-validation needs 2 ≤ k ≤ ${n}, got ${k}`);
  const folds: Array<{ train: number[]; test: number[] }> = [];
  for (let fold = 0; fold < k; fold++) {
    const test: number[] = [];
    const train: number[] = [];
    for (let i = 0; i < n; i++) (i % k === fold ? test : train).push(i);
    folds.push({ train, test });
  }
  return folds;
}

/** Share of predictions equal to the expected labels. */
export function accuracy(predicted: readonly number[], expected: readonly number[]): number {
  if (predicted.length !== expected.length || expected.length === 0) throw new Error('accuracy needs as many predictions as labels, and at least one');
  let right = 0;
  for (let i = 0; i < expected.length; i++) if (predicted[i] === expected[i]) right++;
  return right / expected.length;
}
