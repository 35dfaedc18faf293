import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import {
  CaptureProgressDataStore,
  CodeVersionAtStart,
  OpenRunNotes,
  ENVIRONMENT_VARIABLES,
  openCapturePorts,
  StoreLease,
  storeKey,
  type CaptureProgressOptions,
  type DataStore,
  type Settings,
  type WriterMeta,
} from '@dotscience/sdk';
import { passThrough } from './passthrough.js';
import type { CaptureServices } from './protocol-block-capture.js';
import { PROJECT_DOT_ROOT_VARIABLE, ProtocolDataRoot } from './protocol-data-root.js';
import type { WorkloadError } from './protocol-run-recording.js';
import { ProtocolStdout } from './protocol-stdout.js';
import { RunBlockRecorder } from './run-block-recorder.js';
import { WorkloadLog } from './workload-log.js';
import { runWorkloadProcess, type WorkloadExit } from './workload-process.js';
import { knownDataPaths } from './known-data-paths.js';
import { WORKLOAD_LOG_PATH, finishWorkloadRun, settleLinkedRuns, startWorkloadRun } from './workload-run.js';
import { notebooksUnder, notebooksWrittenSince } from '../notebook/written-notebooks.js';

/** The variable a child reads to join the workload (the SDK records it as `workload.workloadId`). */
export const WORKLOAD_ID_VARIABLE = 'DOTSCIENCE_WORKLOAD_ID';

/**
 * What `ds run` exits with when the program exited 0 but a run block it
 * printed could not be recorded (sysexits' EX_DATAERR); a non-zero exit of the
 * program is passed on as it is.
 */
export const UNRECORDED_BLOCK_EXIT_CODE = 65;

/** How long a block's recording waits for another process's writer lock (an SDK child holds it while its run is open). */
const LOCK_TIMEOUT_MS = 600_000;

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
  /**
   * When a capture of the runner's own (a block's data, the workload's log)
   * draws a progress bar: on `stderr` when it is a terminal, once the capture
   * has run ~1 s, as the SDK's captures do. Default: that.
   */
  captureProgress?: Omit<CaptureProgressOptions, 'target'>;
  /** Under `ds rerun`: what this workload re-executes (see RerunLinks). */
  rerunOf?: RerunLinks;
}

/**
 * The runs a rerun re-executes: the original workload (when there was one), the runs its run
 * blocks recorded and the runs its program recorded with the SDK, each list in the order they
 * were recorded; the n-th new run of each kind is linked (`rerunOf`) to the n-th original.
 */
export interface RerunLinks {
  workload?: string;
  protocolRuns: readonly string[];
  sdkRuns: readonly string[];
}

/** The variable an SDK child reads under `ds rerun`: the runs it re-executes, comma-separated, in the order it starts runs. */
export const RERUN_OF_VARIABLE = 'DOTSCIENCE_RERUN_OF';

export interface WorkloadOutcome {
  workloadId: string;
  exit: WorkloadExit;
  /** Runs recorded from the program's run blocks, in print order. */
  protocolRuns: string[];
  /** Runs recorded from the run blocks of notebooks the program wrote (jupyter nbconvert --execute), by notebook and cell. */
  notebookRuns: Array<{ runId: string; notebook: string; cell: number }>;
  /** Runs the program recorded itself through the SDK. */
  linkedRuns: string[];
  /** What could not be recorded (also recorded as errors of the workload). */
  errors: WorkloadError[];
  /** What `ds run` exits with: the program's exit code, or UNRECORDED_BLOCK_EXIT_CODE when it exited 0 but something could not be recorded. */
  exitCode: number;
}

/** The variable the original library reads when a script chose no mode: `command` publishes in script mode, as Dotscience's runner set it. */
const WORKLOAD_TYPE_VARIABLE = 'DOTSCIENCE_WORKLOAD_TYPE';

/**
 * The program's environment: the workload id, the explicit settings, the
 * library's root and workload type (unless the user set them), and unbuffered Python output
 * (unless the user chose): Python block-buffers stdout into a pipe, so its run
 * blocks would arrive only at exit, after the files they name were rewritten.
 */
function childEnvironment(
  env: NodeJS.ProcessEnv,
  settings: Settings | undefined,
  workloadId: string,
  root: ProtocolDataRoot,
  rerunOf: RerunLinks | undefined,
): NodeJS.ProcessEnv {
  const child: NodeJS.ProcessEnv = { ...env, [WORKLOAD_ID_VARIABLE]: workloadId };
  delete child[RERUN_OF_VARIABLE];
  if (rerunOf !== undefined && rerunOf.sdkRuns.length > 0) child[RERUN_OF_VARIABLE] = rerunOf.sdkRuns.join(',');
  if (child[PROJECT_DOT_ROOT_VARIABLE] === undefined) child[PROJECT_DOT_ROOT_VARIABLE] = root.directory;
  if (child.PYTHONUNBUFFERED === undefined) child.PYTHONUNBUFFERED = '1';
  if (child[WORKLOAD_TYPE_VARIABLE] === undefined) child[WORKLOAD_TYPE_VARIABLE] = 'command';
  for (const [setting, variable] of Object.entries(ENVIRONMENT_VARIABLES)) {
    const value = settings?.[setting as keyof typeof ENVIRONMENT_VARIABLES];
    if (value !== undefined) child[variable] = value;
  }
  return child;
}

/**
 * `ds run -- <cmd…>`: record a workload around a program.
 *
 * 1. Take the store (waiting for the writer lock), record the workload's
 *    start, let it go (the fs store has one writer at a time, and the program
 *    may be an SDK script that writes).
 * 2. Run the program with DOTSCIENCE_WORKLOAD_ID set; its stdout goes through
 *    the protocol parser (plain output passes through untouched), its stderr
 *    passes through; both are logged. Each run block is captured the moment it
 *    is read and recorded at once, the store taken only while blocks wait.
 * 3. Take the store again, mark the program's own unpublished runs errored,
 *    and publish the workload's run with its exit code, errors and log.
 */
export async function runWorkload(options: RunWorkloadOptions): Promise<WorkloadOutcome> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  const stderr = options.stderr ?? process.stderr;
  const report = (message: string) => void stderr.write(`ds run: ${message}\n`);
  const withProgress = (data: DataStore): DataStore => new CaptureProgressDataStore(data, { ...options.captureProgress, target: stderr });
  const openOptions = { cwd, env, ...(options.settings ? { settings: options.settings } : {}) };
  const lease = new StoreLease({
    open: { ...openOptions, waitForLock: true },
    lockTimeoutMs: LOCK_TIMEOUT_MS,
    log: (line) => report(line.replace(/^dotscience: /, '')),
  });

  const starting = await lease.acquire();
  const { projectId, projectRoot } = starting.configuration;
  const startedWorkload = async () => {
    const exclude = await knownDataPaths(starting, WORKLOAD_LOG_PATH);
    return {
      exclude,
      ...(await startWorkloadRun(starting, {
        command: options.command,
        cwd,
        projectId,
        exclude,
        writer: options.writer,
        ...(options.rerunOf?.workload === undefined ? {} : { rerunOf: options.rerunOf.workload }),
      })),
    };
  };
  const workload = await startedWorkload().finally(() => lease.release());
  const { workloadId } = workload;
  // Noted as open while the program runs: if ds run itself is killed, the next opener marks the workload abandoned.
  const notes = new OpenRunNotes(starting.configuration.openRunsDirectory);
  try {
    notes.write({
      runId: workloadId,
      store: storeKey(starting.configuration.store),
      mode: 'script',
      workload: workload.workload,
      environment: workload.environment,
      startedAt: workload.startedAt,
      projectId,
    });
  } catch (error) {
    report(
      `warning: could not note workload ${workloadId} as open in ${notes.directory} (${(error as Error).message}); if ds run is killed, its run stays running`,
    );
  }
  const root = ProtocolDataRoot.forWorkload(env, cwd, projectRoot);
  // Notebooks the program writes (an executed notebook) hold the run blocks its kernel printed.
  const notebookDirectories = [cwd, projectRoot];
  const notebooksBefore = await notebooksUnder(notebookDirectories);

  const ports = await openCapturePorts(openOptions);
  const log = await WorkloadLog.create();
  try {
    let stdout: ProtocolStdout;
    let blocks: RunBlockRecorder | undefined;
    let exit: WorkloadExit;
    try {
      const capture: CaptureServices = {
        data: withProgress(ports.data),
        code: new CodeVersionAtStart(workload.codeVersion, { inspector: ports.code, exclude: workload.exclude }),
        // The program's blocks ran in the environment described at its start (the same process).
        environment: { describe: () => Promise.resolve(workload.environment), describeProcess: () => workload.environment },
        clock: ports.clock,
      };
      const parent = { command: [...options.command], cwd, workloadId };
      const rerunBlocks = options.rerunOf === undefined ? {} : { rerunOf: options.rerunOf.protocolRuns };
      const recorder = new RunBlockRecorder(capture, lease, { projectId, workload: parent, root, cwd, writer: options.writer, ...rerunBlocks }, report);
      blocks = recorder;
      stdout = new ProtocolStdout(options.stdout ?? process.stdout, (block) => recorder.accept(block), report);
      exit = await runWorkloadProcess(options.command, {
        cwd,
        env: childEnvironment(env, options.settings, workloadId, root, options.rerunOf),
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
      await blocks?.drain();
      await ports.close();
      await log.close();
    }

    const ds = await lease.acquire();
    try {
      const errors = [...stdout.errors, ...blocks!.errors];
      const protocolRuns = [...blocks!.recorded];
      const notebookRuns: WorkloadOutcome['notebookRuns'] = [];
      for (const notebook of await notebooksWrittenSince(notebooksBefore, notebookDirectories)) {
        const parent = { command: [...options.command], cwd, workloadId };
        try {
          // Loaded only when the program wrote a notebook: the parser is no part of an ordinary `ds run`.
          const { ingestNotebook } = await import('../notebook/notebook-ingest.js');
          const ingested = await ingestNotebook(ds, notebook, { projectId, projectRoot, root, workload: parent, writer: options.writer });
          for (const run of ingested.recorded) notebookRuns.push({ runId: run.runId, notebook: ingested.notebook, cell: run.cell });
          for (const error of ingested.errors) {
            report(`notebook ${ingested.notebook}: ${error.message}`);
            errors.push({
              message: `notebook ${ingested.notebook}: ${error.message}`,
              detail: { notebook: ingested.notebook, cell: error.cell, reason: error.reason },
            });
          }
        } catch (error) {
          report(`the notebook ${notebook} it wrote could not be read: ${(error as Error).message}`);
          errors.push({ message: `the notebook ${notebook} could not be read: ${(error as Error).message}`, detail: { notebook } });
        }
      }
      const ownRuns = new Set([...protocolRuns, ...notebookRuns.map((r) => r.runId)]);
      const linkedRuns = await settleLinkedRuns(ds, workload, ownRuns, exit, options.writer);
      const logRef = await withProgress(ds.data).capture(log.directory, { label: `run-${workloadId}` });
      await finishWorkloadRun(ds, workloadId, { exit, errors, log: logRef, writer: options.writer });
      try {
        notes.remove(workloadId);
        notes.close();
      } catch {
        // The workload is published: a note left behind is settled as nothing to do.
      }
      const exitCode = exit.exitCode === 0 && errors.length > 0 ? UNRECORDED_BLOCK_EXIT_CODE : exit.exitCode;
      return { workloadId, exit, protocolRuns, notebookRuns, linkedRuns, errors, exitCode };
    } finally {
      await lease.release();
    }
  } finally {
    await log.remove();
  }
}
