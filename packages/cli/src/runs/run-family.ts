import type { RunView, RunsState } from '@dotscience/sdk';

/** A run with what re-executes it: the `ds run` workload it belongs to (or itself), and the runs that workload recorded. */
export interface RunFamily {
  /** The run asked for. */
  run: RunView;
  /** The workload whose command re-runs it: its `ds run` workload, else the run itself. */
  source: RunView;
  /** The workload and every run it recorded, in start order (just the run when it has no workload). */
  members: RunView[];
}

export function runFamily(runs: RunsState, run: RunView): RunFamily {
  const workloadId = run.workload.workloadId;
  const workload = workloadId === undefined ? undefined : Object.hasOwn(runs, workloadId) ? runs[workloadId] : undefined;
  if (workload === undefined) return { run, source: run, members: [run] };
  const members = Object.values(runs)
    .filter((r) => r.workload.workloadId === workload.runId)
    .sort((a, b) => a.startedPosition - b.startedPosition);
  return { run, source: workload, members };
}
