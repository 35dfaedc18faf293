import { resolve } from 'node:path';
import {
  datasetNameForPath,
  planProtocolRun,
  type CodeVersion,
  type EnvironmentInfo,
  type ProtocolRunPlan,
  type RunBlock,
  type RunServices,
  type VersionRef,
} from '@dotscience/core';

/** The ports a block needs while the program is still running (no event store: the program may hold its lock). */
export type CaptureServices = Pick<RunServices, 'data' | 'code' | 'environment' | 'clock'>;

export interface CapturedInput {
  path: string;
  dataset: string;
  version: VersionRef;
}

/** A run block whose data was captured when it was printed; its events are recorded once the program has exited. */
export interface CapturedProtocolRun {
  plan: ProtocolRunPlan;
  /** 1-based line of stdout where the block opened (for messages). */
  line: number;
  /** When the runner read the block: the run's end when the block names none. */
  printedAt: string;
  codeVersion: CodeVersion;
  environment: EnvironmentInfo;
  inputs: CapturedInput[];
  /** Versions of the outputs and model files, by normalized path. */
  captured: Map<string, VersionRef>;
  /** Paths that could not be captured, with the reason; the run is recorded as errored with each. */
  problems: string[];
}

/**
 * Capture what a run block names, relative to the program's working directory,
 * at the moment the block is printed: its inputs, outputs and model files, plus
 * the code version and environment. Missing data does not stop the others; it
 * is listed in `problems`.
 */
export async function captureProtocolBlock(
  services: CaptureServices,
  cwd: string,
  block: { runId: string; block: RunBlock; line: number },
): Promise<CapturedProtocolRun> {
  const printedAt = services.clock.now();
  const plan = planProtocolRun(block.runId, block.block);
  const problems: string[] = [];
  const label = `run-${block.runId}`;
  const captureAt = async (path: string): Promise<VersionRef | undefined> => {
    try {
      return await services.data.capture(resolve(cwd, path), { label });
    } catch (error) {
      problems.push(`${path}: ${(error as Error).message}`);
      return undefined;
    }
  };

  const inputs: CapturedInput[] = [];
  for (const path of plan.inputs) {
    const version = await captureAt(path);
    if (version) inputs.push({ path, dataset: datasetNameForPath(path), version });
  }
  const captured = new Map<string, VersionRef>();
  for (const path of [...plan.outputs, ...plan.models.map((m) => m.path)]) {
    if (captured.has(path)) continue;
    const version = await captureAt(path);
    if (version) captured.set(path, version);
  }
  const inspectCode = plan.script === undefined
    ? services.code.inspect(cwd)
    : services.code.inspect(cwd, plan.script).catch((error: Error) => {
        problems.push(`workload-file ${plan.script}: ${error.message}`);
        return services.code.inspect(cwd);
      });
  const [codeVersion, environment] = await Promise.all([inspectCode, services.environment.describe(cwd)]);
  return { plan, line: block.line, printedAt, codeVersion, environment, inputs, captured, problems };
}
