import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DataPathNotFoundError,
  planProtocolRun,
  type ChangedAfterPublish,
  type CodeVersion,
  type EnvironmentInfo,
  type MissingData,
  type PlannedModel,
  type ProtocolRunPlan,
  type RunBlock,
  type RunServices,
  type VersionRef,
} from '@dotscience/sdk';
import type { ProtocolDataRoot } from './protocol-data-root.js';

/** The ports a block needs to capture its data (the event store is opened only to record it). */
export type CaptureServices = Pick<RunServices, 'data' | 'code' | 'environment' | 'clock'>;

/** One path of a block, captured when the block was read. */
export interface CapturedData {
  /** Relative to the root, or absolute for data outside it. */
  path: string;
  dataset: string;
  version: VersionRef;
  /** Set when the path was modified after the run's block said it was done. */
  changedAfterPublish?: ChangedAfterPublish;
}

/** A run block whose data was captured the moment it was read. */
export interface CapturedProtocolRun {
  plan: ProtocolRunPlan;
  /** 1-based line of stdout where the block opened (for messages). */
  line: number;
  /** When the run was done: the block's end, else when the runner read it. */
  publishedAt: string;
  codeVersion: CodeVersion;
  environment: EnvironmentInfo;
  inputs: CapturedData[];
  /** Outputs, in block order. */
  outputs: CapturedData[];
  /** Models whose files were captured, with their recorded paths. */
  models: PlannedModel[];
  /** Versions of outputs and model files, by recorded path. */
  captured: Map<string, VersionRef>;
  /** Declared paths that held nothing to capture. */
  missing: MissingData[];
  /** Problems that are not about data (e.g. the workload file), recorded as errors of the run. */
  problems: string[];
}

/** The newest modification time (ms, floored) of a file, or of anything under a directory. */
async function newestModification(path: string): Promise<number> {
  const stat = await lstat(path);
  let newest = Math.floor(stat.mtimeMs);
  if (!stat.isDirectory()) return newest;
  for (const entry of await readdir(path, { recursive: true })) {
    const inner = await lstat(join(path, entry)).catch(() => undefined);
    if (inner) newest = Math.max(newest, Math.floor(inner.mtimeMs));
  }
  return newest;
}

/**
 * Whether a capture failed because the path does not exist (the store's typed
 * error, or Node's ENOENT/ENOTDIR): that is a missing input or output. Any
 * other failure (unreadable, a special file, a full store) is no fact about
 * the run's data, so the block cannot be recorded as it was printed.
 */
function isMissingPath(error: unknown): boolean {
  if (error instanceof DataPathNotFoundError) return true;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'DATA_PATH_NOT_FOUND';
}

/** A run block as the runner read it, with what is known about when it was printed. */
export interface BlockToCapture {
  runId: string;
  block: RunBlock;
  line: number;
  /** When the runner read the block (ISO-8601). */
  readAt: string;
  /**
   * The earliest time (ms since the epoch) known to be after the block was
   * printed: when it was read, or the start of a run block printed after it
   * (the library starts the next run only once it printed this one). Asked
   * when the captured paths are checked, so blocks read since count.
   */
  printedBy: () => number;
}

/**
 * Capture what a run block names, at the moment it is read: its inputs,
 * outputs and model files (paths as the library means them, relative to the
 * root; the workload file too), the code version and the environment (of
 * the program's working directory). A path that does not exist is
 * listed as missing (any other capture failure rejects: the block cannot be
 * recorded); one modified after the block was printed (see
 * `printedBy`) gets a `changedAfterPublish` note (the program rewrote it
 * before the block could be read or captured, so the version may hold later
 * bytes). A file written after the run's `end()` but before its block was
 * printed is what the run produced, and gets no note.
 */
export async function captureProtocolBlock(
  services: CaptureServices,
  where: { root: ProtocolDataRoot; cwd: string },
  block: BlockToCapture,
): Promise<CapturedProtocolRun> {
  const plan = planProtocolRun(block.runId, block.block);
  const publishedAt = plan.endedAt ?? block.readAt;
  const { root, cwd } = where;
  const missing: MissingData[] = [];
  const label = `run-${block.runId}`;

  const captureAt = async (printed: string, declaredAs: MissingData['declaredAs']): Promise<CapturedData | undefined> => {
    const where = root.locate(printed);
    try {
      const version = await services.data.capture(where.absolute, { label });
      const captured: CapturedData = { path: where.recorded, dataset: where.recorded, version };
      const modifiedMs = await newestModification(where.absolute).catch(() => undefined);
      if (modifiedMs !== undefined && modifiedMs > block.printedBy()) {
        captured.changedAfterPublish = { modifiedAt: new Date(modifiedMs).toISOString(), publishedAt };
      }
      return captured;
    } catch (error) {
      if (!isMissingPath(error)) throw error;
      missing.push({ path: where.recorded, declaredAs, reason: (error as Error).message });
      return undefined;
    }
  };

  const inputs: CapturedData[] = [];
  for (const path of plan.inputs) {
    const input = await captureAt(path, 'input');
    if (input) inputs.push(input);
  }
  const outputs: CapturedData[] = [];
  const captured = new Map<string, VersionRef>();
  for (const path of plan.outputs) {
    const output = await captureAt(path, 'output');
    if (output && !captured.has(output.path)) {
      outputs.push(output);
      captured.set(output.path, output.version);
    }
  }
  const models: PlannedModel[] = [];
  for (const model of plan.models) {
    const recorded = root.locate(model.path).recorded;
    if (!captured.has(recorded) && !missing.some((m) => m.path === recorded)) {
      const file = await captureAt(model.path, 'output');
      if (file) captured.set(file.path, file.version);
    }
    if (captured.has(recorded)) models.push({ ...model, path: recorded });
  }

  const problems: string[] = [];
  // The run's own data is never its code (an untracked input the project did not know yet).
  const exclude = { exclude: [...plan.inputs, ...plan.outputs, ...plan.models.map((m) => m.path)].map((path) => root.locate(path).absolute) };
  const inspectCode =
    plan.script === undefined
      ? services.code.inspect(root.directory, undefined, exclude)
      : services.code.inspect(root.directory, plan.script, exclude).catch((error: Error) => {
          problems.push(`workload-file ${plan.script}: ${error.message}`);
          return services.code.inspect(root.directory, undefined, exclude);
        });
  // A block naming the Python that printed it (a notebook kernel's) is described by that interpreter.
  const program = plan.interpreter === undefined ? undefined : { command: [plan.interpreter] };
  const [codeVersion, environment] = await Promise.all([inspectCode, services.environment.describe(cwd, program)]);
  return { plan, line: block.line, publishedAt, codeVersion, environment, inputs, outputs, models, captured, missing, problems };
}
