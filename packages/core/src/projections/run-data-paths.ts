import type { RunView } from './run-view.js';

/** A path a run declared as data, and the working directory of the run's workload, when recorded (a path may be relative to it). */
export interface DeclaredDataPath {
  path: string;
  cwd?: string;
}

/**
 * The paths a run declared as data: its inputs, its outputs, and the declared paths that held
 * nothing when it was published, each once, in that order, with the run's working directory.
 * What `ds run` leaves out of a workload's code, so a previous run's untracked outputs never
 * count as code (a recorded path is relative to the project root or to the run's working directory).
 */
export function declaredDataPathsOf(run: RunView): DeclaredDataPath[] {
  const cwd = run.workload.cwd;
  const paths = new Set([...run.inputs, ...run.outputs, ...(run.missing ?? [])].map((d) => d.path));
  return [...paths].map((path) => (cwd === undefined ? { path } : { path, cwd }));
}

/** `paths` without repeats (same path and working directory), sorted by path then working directory (none first). */
export function distinctDataPaths(paths: Iterable<DeclaredDataPath>): DeclaredDataPath[] {
  const byKey = new Map<string, DeclaredDataPath>();
  for (const p of paths) byKey.set(JSON.stringify([p.path, p.cwd ?? null]), p);
  return [...byKey.values()].sort((a, b) => compare(a.path, b.path) || compare(a.cwd ?? '', b.cwd ?? ''));
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
