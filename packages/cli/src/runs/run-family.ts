import type { RunReadModel, RunView } from '@dotscience/sdk';

/** A run with what re-executes it: the `ds run` workload it belongs to (or itself), and the runs that workload recorded. */
export interface RunFamily {
  /** The run asked for. */
  run: RunView;
  /** The workload whose command re-runs it: its `ds run` workload, else the run itself. */
  source: RunView;
  /** The workload and every run it recorded, in start order (just the run when it has no workload). */
  members: RunView[];
}

/** The family of `run`, read from the runs read model (its workload by id, the workload's runs by the parent index). */
export async function runFamily(runs: Pick<RunReadModel, 'run' | 'runsOfWorkload'>, run: RunView): Promise<RunFamily> {
  const workloadId = run.workload.workloadId;
  const workload = workloadId === undefined ? undefined : await runs.run(workloadId);
  if (workload === undefined) return { run, source: run, members: [run] };
  return { run, source: workload, members: await runs.runsOfWorkload(workload.runId) };
}
