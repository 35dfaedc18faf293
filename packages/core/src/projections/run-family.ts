import type { RunView } from './run-view.js';

/**
 * Runs and the workloads they were recorded under. A workload (one `ds run` of
 * a command) is recorded as a run of its own whose `workload.workloadId` is its
 * own id; the runs its program records — SDK runs and the original library's
 * run blocks — carry that id as their `workload.workloadId`. The workload's run
 * is their parent.
 */

/** Whether the run is a workload's own run (the wrapper `ds run` records around a command). */
export function isWorkloadRun(run: RunView): boolean {
  return run.workload.workloadId === run.runId;
}

/** The id of the workload run a run was recorded under; null for a run outside any workload and for a workload's own run. */
export function parentRunOf(run: RunView): string | null {
  const workloadId = run.workload.workloadId;
  return workloadId === undefined || workloadId === run.runId ? null : workloadId;
}

/** A run as listings give it (`ds runs --json`, the hub's runs): with `parent`, its workload run's id or null. */
export type RunWithParent = RunView & { parent: string | null };

export const withParent = (run: RunView): RunWithParent => ({ ...run, parent: parentRunOf(run) });

/** The ids of the workloads some run was recorded under: workloads that are parents. */
export function parentWorkloads(runs: Iterable<RunView>): Set<string> {
  const parents = new Set<string>();
  for (const run of runs) {
    const parent = parentRunOf(run);
    if (parent !== null) parents.add(parent);
  }
  return parents;
}

/**
 * The runs a listing shows by default: the runs scripts recorded, without the
 * workload runs wrapping them. A workload whose program recorded no run of
 * its own (a command that never used the library) is still listed: its run is
 * the only record of the command.
 */
export function withoutWrappingWorkloads(runs: readonly RunView[]): RunView[] {
  const parents = parentWorkloads(runs);
  return runs.filter((run) => !(isWorkloadRun(run) && parents.has(run.runId)));
}
