import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DotscienceError, type RunReadModel, type RunView } from '@dotscience/sdk';
import type { Dotscience } from '@dotscience/sdk';
import { WORKLOAD_LOG_PATH } from '../runner/index.js';

export class NoWorkloadLogError extends DotscienceError {
  readonly code = 'NO_WORKLOAD_LOG';
  constructor(readonly runId: string) {
    super(
      `run ${runId} has no captured output: only runs of ds run (and the runs their program recorded) keep a log — run the program with ds run -- <command> to capture it`,
    );
  }
}

export interface WorkloadLogs {
  /** The workload whose log it is (the run itself, or the ds run workload that recorded it). */
  workloadId: string;
  stdout: Buffer;
  stderr: Buffer;
}

/** The run that holds `run`'s log: itself when it is a workload with a log output, else its workload. */
async function logHolder(runs: Pick<RunReadModel, 'run'>, run: RunView): Promise<RunView | undefined> {
  if (run.outputs.some((o) => o.path === WORKLOAD_LOG_PATH)) return run;
  const workloadId = run.workload.workloadId;
  return workloadId === undefined ? undefined : runs.run(workloadId);
}

/** The captured stdout and stderr of the program that recorded `run` (its ds run workload's log). */
export async function workloadLogs(ds: Dotscience, runs: Pick<RunReadModel, 'run'>, run: RunView): Promise<WorkloadLogs> {
  const holder = await logHolder(runs, run);
  const log = holder?.outputs.find((o) => o.path === WORKLOAD_LOG_PATH);
  if (holder === undefined || log === undefined) throw new NoWorkloadLogError(run.runId);
  const scratch = await mkdtemp(join(tmpdir(), 'ds-logs-'));
  try {
    const directory = join(scratch, 'log');
    await ds.data.materialize(log.version, directory);
    const read = (name: string) => readFile(join(directory, name)).catch(() => Buffer.alloc(0));
    return { workloadId: holder.runId, stdout: await read('stdout'), stderr: await read('stderr') };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
