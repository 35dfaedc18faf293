import { dirname, join, resolve } from 'node:path';

/** Entries of a directory, by name (empty when it cannot be listed). */
export type DirectoryListing = (dir: string) => readonly string[];

/** The directories from `start` up to the file-system root, nearest first. */
function ancestors(start: string): string[] {
  const dirs: string[] = [];
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    dirs.push(dir);
    if (dirname(dir) === dir) return dirs;
  }
}

/**
 * The paths whose modification times tell whether a run's environment description may have
 * changed since it was made (what the description reads, found without reading it): every
 * directory from each start (the run's working directory, its script's directory) up to the
 * root — a manifest, lockfile, requirements file or node_modules created, removed or renamed
 * in one changes its time — and, in those directories, each entry that `isWitnessed` names
 * (the dependency manifests the description reads in place, node_modules). Sorted, each once.
 */
export function environmentWitnesses(starts: readonly string[], list: DirectoryListing, isWitnessed: (name: string) => boolean): string[] {
  const paths = new Set<string>();
  const walked = new Set<string>();
  for (const start of starts) {
    for (const dir of ancestors(start)) {
      if (walked.has(dir)) break; // the rest of this walk was listed from another start
      walked.add(dir);
      paths.add(dir);
      for (const name of list(dir)) if (isWitnessed(name)) paths.add(join(dir, name));
    }
  }
  return [...paths].sort();
}
