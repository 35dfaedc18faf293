import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  RunRecorder,
  RunStartedSchema,
  WORKLOAD_EXIT_CODE_SUMMARY,
  type CodeVersion,
  type EnvironmentInfo,
  type Workload,
  type RunCommandInput,
  type RunServices,
  type VersionRef,
  type WriterMeta,
} from '@dotscience/sdk';
import type { WorkloadError } from './protocol-run-recording.js';
import type { WorkloadExit } from './workload-process.js';

/**
 * A workload (one `ds run` of a command) is recorded as a run of its own, in
 * script mode, whose `workload.workloadId` is its own run id; the runs the
 * program records (SDK runs, protocol blocks) carry the same workloadId. Its
 * summary holds the exit code (not shown as a metric), its errors the exit status and every block that
 * could not be recorded, and its one output is the program's log. It is the
 * parent of the runs the program recorded: they name it as their workloadId.
 */

/** The declared path of a workload's log: a directory version holding `stdout` and `stderr`. */
export const WORKLOAD_LOG_PATH = 'ds-run:log';
/** Each workload's log is a dataset of its own. */
export const workloadLogDataset = (workloadId: string): string => `log/${workloadId}`;

export interface WorkloadStart {
  command: readonly string[];
  cwd: string;
  projectId: string;
  /** Paths the code inspection leaves out: data the project already knows (see knownDataPaths). */
  exclude?: readonly string[];
  writer?: WriterMeta;
  /** The workload this one re-executes (`ds rerun`). */
  rerunOf?: string;
}

export interface StartedWorkload {
  workloadId: string;
  /** Global position of the workload's RunStarted: runs linked to it start after it. */
  position: number;
  /** The code as inspected before the program started (its blocks' runs record this tree). */
  codeVersion: CodeVersion;
  /** The environment as described before the program started (its blocks' runs ran in it). */
  environment: EnvironmentInfo;
  /** The workload's own run as its RunStarted says it: what an open-run note of it repeats. */
  workload: Workload;
  startedAt: string;
}

/** The script a command runs: its first argument after the program that names an existing file (`python3 train.py`, `node dist/prep.js`). */
export function workloadScript(command: readonly string[], cwd: string): string | undefined {
  for (const arg of command.slice(1)) {
    if (arg.startsWith('-')) continue;
    try {
      return statSync(resolve(cwd, arg)).isFile() ? arg : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** How a workload's run describes itself in run tables: the command line. */
export function workloadDescription(command: readonly string[]): string {
  return `ds run -- ${command.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ')}`;
}

export async function startWorkloadRun(services: RunServices, start: WorkloadStart): Promise<StartedWorkload> {
  const workloadId = services.ids.newId();
  const script = workloadScript(start.command, start.cwd);
  const [codeVersion, environment] = await Promise.all([
    services.code.inspect(start.cwd, script, { exclude: start.exclude ?? [] }),
    services.environment.describe(start.cwd, { command: start.command, ...(script === undefined ? {} : { script }) }),
  ]);
  const recorder = RunRecorder.create(services, workloadId, start.writer);
  const workload: Workload = { command: [...start.command], cwd: start.cwd, workloadId, recordedBy: 'ds-run', ...(script === undefined ? {} : { script }) };
  const startedAt = services.clock.now();
  const events = await recorder.recordBatch([
    {
      kind: 'start',
      projectId: start.projectId,
      mode: 'script',
      workload,
      codeVersion,
      environment,
      startedAt,
      ...(start.rerunOf === undefined ? {} : { rerunOf: start.rerunOf }),
    },
    { kind: 'describe', description: workloadDescription(start.command) },
  ]);
  return { workloadId, position: events[events.length - 1]!.position, codeVersion, environment, workload, startedAt };
}

/** What a workload's exit means for its runs: undefined for exit code 0. */
export function exitError(exit: WorkloadExit): WorkloadError | undefined {
  if (exit.exitCode === 0 && exit.signal === null) return undefined;
  const message = exit.spawnError
    ? `the command could not be started: ${exit.spawnError}`
    : exit.signal
      ? `the command was killed by ${exit.signal} (exit code ${exit.exitCode})`
      : `the command exited with code ${exit.exitCode}`;
  return { message, detail: { exitCode: exit.exitCode, ...(exit.signal ? { signal: exit.signal } : {}) } };
}

export interface WorkloadEnd {
  exit: WorkloadExit;
  /** Blocks and runs that could not be recorded. */
  errors: readonly WorkloadError[];
  /** The captured log directory. */
  log: VersionRef;
  writer?: WriterMeta;
}

/**
 * Record the exit code, the errors and the log on the workload's run, and
 * seal it. The log is declared as the run's output (so `ds show`, the web
 * page and gc find it) but is no dataset version: it is the workload's record,
 * not data, and `ds datasets` does not list it.
 */
export async function finishWorkloadRun(services: RunServices, workloadId: string, end: WorkloadEnd): Promise<void> {
  const recorder = await RunRecorder.open(services, workloadId, end.writer);
  const commands: RunCommandInput[] = [{ kind: 'recordSummary', name: WORKLOAD_EXIT_CODE_SUMMARY, value: end.exit.exitCode }];
  if (end.exit.signal) commands.push({ kind: 'recordSummary', name: 'signal', value: end.exit.signal });
  for (const error of end.errors) commands.push({ kind: 'error', ...error });
  const exited = exitError(end.exit);
  if (exited) commands.push({ kind: 'error', ...exited });
  await recorder.recordBatch(commands);
  const log: RunCommandInput = { kind: 'declareOutput', path: WORKLOAD_LOG_PATH, dataset: workloadLogDataset(workloadId), version: end.log };
  await recorder.seal([log], services.clock.now());
}

/**
 * The runs the program recorded itself (SDK children, which read
 * DOTSCIENCE_WORKLOAD_ID) after the workload started. One it left unpublished
 * and not yet errored — it crashed or was killed — is marked errored, with the
 * exit status when there is one.
 */
export async function settleLinkedRuns(
  services: RunServices,
  workload: StartedWorkload,
  exclude: ReadonlySet<string>,
  exit: WorkloadExit,
  writer?: WriterMeta,
): Promise<string[]> {
  const linked: string[] = [];
  for await (const event of services.events.readAll({ fromPosition: workload.position + 1 })) {
    if (event.type !== 'RunStarted') continue;
    const started = RunStartedSchema.safeParse(event.data);
    if (!started.success || started.data.workload.workloadId !== workload.workloadId) continue;
    const runId = started.data.runId;
    if (runId === workload.workloadId || exclude.has(runId)) continue;
    linked.push(runId);
  }
  const exited = exitError(exit);
  for (const runId of linked) {
    const recorder = await RunRecorder.open(services, runId, writer);
    if (recorder.state.lifecycle !== 'running' || recorder.state.errored) continue;
    await recorder.record(
      exited
        ? { kind: 'error', message: `${exited.message} before the run was published`, detail: exited.detail }
        : { kind: 'error', message: 'the program ended before the run was published' },
    );
  }
  return linked;
}
