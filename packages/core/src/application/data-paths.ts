/**
 * A data path as runs record it and the dataset name it gets by default:
 * POSIX-normalized text ("./data//train.csv" → "data/train.csv", "a/../b/" → "b"),
 * so the same file declared in different spellings is one dataset and matches
 * one `inputs.path = '…'` query. Relative paths stay relative (to the working
 * directory); no file system is consulted.
 */
export function normalizeDataPath(path: string): string {
  const absolute = path.startsWith('/');
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      const previous = segments[segments.length - 1];
      if (previous !== undefined && previous !== '..') segments.pop();
      else if (!absolute) segments.push('..');
      continue;
    }
    segments.push(segment);
  }
  const joined = segments.join('/');
  if (absolute) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/** The dataset name a path gets when the caller names none: its normalized path. */
export const datasetNameForPath = normalizeDataPath;
