import { resolve } from 'node:path';
import type { Dotscience } from '@dotscience/sdk';
import { runsState } from '../runs/run-selection.js';

/**
 * Every path the project's log already knows as data: the declared inputs and
 * outputs (and declared paths that held nothing) of its runs, absolute. A
 * recorded path is relative to the project root (run blocks) or to its run's
 * working directory (SDK runs), so both readings are given; a path that is not
 * there leaves nothing out. The workload's start inspection excludes them, so
 * a previous run's untracked outputs never count as code.
 */
export async function knownDataPaths(ds: Dotscience, workloadLogPath: string): Promise<string[]> {
  const root = ds.configuration.projectRoot;
  const paths = new Set<string>();
  for (const run of Object.values(await runsState(ds))) {
    const declared = [...run.inputs, ...run.outputs, ...(run.missing ?? [])].map((d) => d.path).filter((path) => path !== workloadLogPath);
    for (const path of declared) {
      paths.add(resolve(root, path));
      if (run.workload.cwd !== undefined) paths.add(resolve(run.workload.cwd, path));
    }
  }
  return [...paths];
}
