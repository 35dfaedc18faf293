import { resolve } from 'node:path';
import type { Dotscience } from '@dotscience/sdk';
import { runReadModel } from '../runs/run-read-model.js';

/**
 * Every path the project's log already knows as data: the declared inputs and
 * outputs (and declared paths that held nothing) of its runs, absolute. A
 * recorded path is relative to the project root (run blocks) or to its run's
 * working directory (SDK runs), so both readings are given; a path that is not
 * there leaves nothing out. The workload's start inspection excludes them, so
 * a previous run's untracked outputs never count as code. Read from the read
 * model's index of declared paths, not by loading every run.
 */
export async function knownDataPaths(ds: Dotscience, workloadLogPath: string): Promise<string[]> {
  const root = ds.configuration.projectRoot;
  const paths = new Set<string>();
  for (const { path, cwd } of await (await runReadModel(ds)).declaredDataPaths()) {
    if (path === workloadLogPath) continue;
    paths.add(resolve(root, path));
    if (cwd !== undefined) paths.add(resolve(cwd, path));
  }
  return [...paths];
}
