import type { RunView } from '@dotscience/sdk';
import type { RerunLinks } from '../runner/index.js';
import type { RunFamily } from '../runs/run-family.js';

/** Whether a run is a `ds run` workload (recorded by ds run for itself). */
export const isWorkload = (run: RunView): boolean => run.workload.recordedBy === 'ds-run' || run.workload.workloadId === run.runId;

/** Whether a run of a workload was recorded by ds run from a run block (older runs: it carries its workload's very command). */
function fromRunBlock(run: RunView, workload: RunView): boolean {
  if (run.workload.recordedBy !== undefined) return run.workload.recordedBy === 'run-block';
  return JSON.stringify(run.workload.command) === JSON.stringify(workload.workload.command);
}

/**
 * What a rerun of `family` links its new runs to (RerunLinks), and which original runs it is
 * checked on: all of the workload's when the workload itself was asked for, else the one run.
 */
export function rerunPlan(family: RunFamily): { links: RerunLinks; checked: RunView[] } {
  const { run, source, members } = family;
  if (!isWorkload(source)) return { links: { protocolRuns: [], sdkRuns: [source.runId] }, checked: [run] };
  const children = members.filter((m) => m.runId !== source.runId);
  const links: RerunLinks = {
    workload: source.runId,
    protocolRuns: children.filter((c) => fromRunBlock(c, source)).map((c) => c.runId),
    sdkRuns: children.filter((c) => !fromRunBlock(c, source)).map((c) => c.runId),
  };
  return { links, checked: run.runId === source.runId ? [source, ...children] : [run] };
}
