import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { Clock, DataStore, Environment, type WriterMeta } from '@dotscience/core';
import { CodeVersionAtStart, ENVIRONMENT_VARIABLES, createContainer, openDotscience, resolveConfiguration, type Settings } from '@dotscience/sdk';
import { passThrough } from './passthrough.js';
import type { CaptureServices } from './protocol-block-capture.js';
import { recordProtocolRun, type WorkloadError } from './protocol-run-recording.js';
import { ProtocolStdout } from './protocol-stdout.js';
import { WorkloadLog } from './workload-log.js';
import { runWorkloadProcess, type WorkloadExit } from './workload-process.js';
import { exitError, finishWorkloadRun, settleLinkedRuns, startWorkloadRun } from './workload-run.js';

/** The variable a child reads to join the workload (the SDK records it as `workload.workloadId`). */
export const WORKLOAD_ID_VARIABLE = 'DOTSCIENCE_WORKLOAD_ID';

export interface RunWorkloadOptions {
  /** The program and its arguments. */
  command: readonly string[];
  /** Default: process.cwd(). */
  cwd?: string;
  /** Explicit settings (CLI flags); they are also passed to the program's environment so that it writes the same store. */
  settings?: Settings;
  /** Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Where the program's output goes. Default: process.stdout / process.stderr. */
  stdout?: Writable;
  stderr?: Writable;
  writer?: WriterMeta;
}

export interface WorkloadOutcome {
  workloadId: string;
  exit: WorkloadExit;
  /** Runs recorded from the program's run blocks, in print order. */
  protocolRuns: string[];
  /** Runs the program recorded itself through the SDK. */
  linkedRuns: string[];
  /** What could not be recorded (also recorded as errors of the workload). */
  errors: WorkloadError[];
}

function childEnvironment(env: NodeJS.ProcessEnv, settings: Settings | undefined, workloadId: string): NodeJS.ProcessEnv {
  const child: NodeJS.ProcessEnv = { ...env, [WORKLOAD_ID_VARIABLE]: workloadId };
  for (const [setting, variable] of Object.entries(ENVIRONMENT_VARIABLES)) {
    const value = settings?.[setting as keyof typeof ENVIRONMENT_VARIABLES];
    if (value !== undefined) child[variable] = value;
  }
  return child;
}

/**
 * `ds run -- <cmd…>`: record a workload around a program.
 *
 * 1. Open the store, record the workload's start, close it (the fs store has
 *    one writer at a time, and the program may be an SDK script that writes).
 * 2. Run the program with DOTSCIENCE_WORKLOAD_ID set; its stdout goes through
 *    the protocol parser (plain output passes through untouched, each run
 *    block's data is captured at once), its stderr passes through; both are
 *    logged. Only the data store is open meanwhile.
 * 3. Reopen the store (waiting for the writer lock) and record every captured
 *    block as a run, mark the program's own unpublished runs errored, and
 *    publish the workload's run with its exit code, errors and log.
 */
export async function runWorkload(options: RunWorkloadOptions): Promise<WorkloadOutcome> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  const stderr = options.stderr ?? process.stderr;
  const report = (message: string) => void stderr.write(`ds run: ${message}\n`);
  const openOptions = { cwd, env, ...(options.settings ? { settings: options.settings } : {}) };

  const starting = await openDotscience({ ...openOptions, waitForLock: true });
  const projectId = starting.configuration.projectId;
  const workload = await startWorkloadRun(starting, { command: options.command, cwd, projectId, writer: options.writer }).finally(() => starting.close());
  const { workloadId } = workload;

  const container = await createContainer(resolveConfiguration(openOptions));
  const log = await WorkloadLog.create();
  try {
    let stdout: ProtocolStdout;
    let exit: WorkloadExit;
    try {
      const capture: CaptureServices = {
        data: await container.getAsync<DataStore>(DataStore),
        code: new CodeVersionAtStart(workload.codeVersion),
        environment: container.get<Environment>(Environment),
        clock: container.get<Clock>(Clock),
      };
      stdout = new ProtocolStdout(options.stdout ?? process.stdout, capture, cwd, report);
      exit = await runWorkloadProcess(options.command, {
        cwd,
        env: childEnvironment(env, options.settings, workloadId),
        onStdout: (chunk) => {
          log.stdout(chunk);
          return stdout.write(chunk);
        },
        onStderr: (chunk) => {
          log.stderr(chunk);
          return passThrough(stderr, chunk);
        },
      });
      await stdout.end();
      if (exit.spawnError) report(`cannot run ${options.command[0]}: ${exit.spawnError}`);
    } finally {
      await container.unbindAllAsync();
      await log.close();
    }

    const ds = await openDotscience({ ...openOptions, waitForLock: true });
    try {
      const errors = [...stdout.errors];
      const protocolRuns: string[] = [];
      const workloadError = exitError(exit);
      for (const run of stdout.runs) {
        try {
          const context = { projectId, workload: { command: [...options.command], cwd, workloadId }, writer: options.writer, workloadError };
          protocolRuns.push(await recordProtocolRun(ds, run, context, new Set(protocolRuns)));
        } catch (error) {
          const message = `the run block ${run.plan.runId} at line ${run.line} could not be recorded: ${(error as Error).message}`;
          errors.push({ message, detail: { runId: run.plan.runId, line: run.line } });
          report(message);
        }
      }
      const linkedRuns = await settleLinkedRuns(ds, workload, new Set(protocolRuns), exit, options.writer);
      const logRef = await ds.data.capture(log.directory, { label: `run-${workloadId}` });
      await finishWorkloadRun(ds, workloadId, { exit, errors, log: logRef, writer: options.writer });
      return { workloadId, exit, protocolRuns, linkedRuns, errors };
    } finally {
      await ds.close();
    }
  } finally {
    await log.remove();
  }
}
