/** A numeric series as two parallel columns. */
export interface NumericSeries {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  length: number;
}

/**
 * Downsample a series to at most `points` points with M4 buckets: the series is
 * cut into `points / 4` buckets of consecutive points and each bucket keeps its
 * first, lowest, highest and last point (in series order, each once). A line
 * drawn through the result has the same extremes as the full series at any
 * width up to the bucket count: spikes survive, nothing is averaged away.
 */
export function downsampleMinMax(series: NumericSeries, points: number): { x: number[]; y: number[] } {
  const n = series.length;
  const { x, y } = series;
  if (n <= points) return { x: Array.from({ length: n }, (_, i) => x[i]!), y: Array.from({ length: n }, (_, i) => y[i]!) };
  const buckets = Math.max(1, Math.floor(points / 4));
  const outX: number[] = [];
  const outY: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor((b * n) / buckets);
    const end = Math.floor(((b + 1) * n) / buckets);
    if (end <= start) continue;
    let min = start;
    let max = start;
    for (let i = start + 1; i < end; i++) {
      const v = y[i]!;
      if (v < y[min]!) min = i;
      if (v > y[max]!) max = i;
    }
    const kept = [start, min, max, end - 1].sort((a, c) => a - c);
    let previous = -1;
    for (const i of kept) {
      if (i === previous) continue;
      previous = i;
      outX.push(x[i]!);
      outY.push(y[i]!);
    }
  }
  return { x: outX, y: outY };
}
