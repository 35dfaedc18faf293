import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Directories never searched for notebooks: Jupyter's autosaves, VCS and package folders, the project folder. */
const SKIPPED = new Set(['.ipynb_checkpoints', '.git', 'node_modules', '.dotscience', '__pycache__', '.venv', 'venv']);
/** How deep below a searched directory notebooks are looked for, and how many entries at most are looked at. */
const MAX_DEPTH = 4;
const MAX_ENTRIES = 20_000;

/** The notebooks (`*.ipynb`) under some directories, with when each was last modified (ms). */
export type NotebookTimes = Map<string, number>;

/** The notebooks under `directories` now (bounded: see MAX_DEPTH, MAX_ENTRIES; hidden and package folders skipped). */
export async function notebooksUnder(directories: readonly string[]): Promise<NotebookTimes> {
  const found: NotebookTimes = new Map();
  let budget = MAX_ENTRIES;
  const walk = async (directory: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (--budget < 0) return;
      const path = join(directory, entry.name);
      if (entry.isDirectory()) {
        if (depth < MAX_DEPTH && !SKIPPED.has(entry.name) && !entry.name.startsWith('.')) await walk(path, depth + 1);
      } else if (entry.isFile() && entry.name.endsWith('.ipynb') && !found.has(path)) {
        const modified = await stat(path)
          .then((s) => s.mtimeMs)
          .catch(() => undefined);
        if (modified !== undefined) found.set(path, modified);
      }
    }
  };
  for (const directory of [...new Set(directories)]) await walk(directory, 0);
  return found;
}

/**
 * The notebooks written while a workload ran (`jupyter nbconvert --execute --inplace` or
 * `--output x`): those under `directories` now that were not there before, or were modified since.
 */
export async function notebooksWrittenSince(before: NotebookTimes, directories: readonly string[]): Promise<string[]> {
  const now = await notebooksUnder(directories);
  return [...now]
    .filter(([path, modified]) => before.get(path) !== modified)
    .map(([path]) => path)
    .sort();
}
