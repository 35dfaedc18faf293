import {
  PublicationPlan,
  RunRecorder,
  protocolRunCommands,
  publishRun,
  runStream,
  type JsonValue,
  type RunCommandInput,
  type RunServices,
  type Workload,
  type WriterMeta,
} from '@dotscience/sdk';
import type { CapturedProtocolRun } from './protocol-block-capture.js';

export interface WorkloadError {
  message: string;
  detail?: JsonValue;
}

export interface ProtocolRunContext {
  projectId: string;
  /** The workload the block was printed by (command, cwd, workloadId): the run's parent. */
  workload: Workload;
  writer?: WriterMeta;
  /** The run this block's run re-executes (`ds rerun`). */
  rerunOf?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function streamExists(services: RunServices, stream: string): Promise<boolean> {
  for await (const _event of services.events.readStream(stream, { maxCount: 1 })) return true;
  return false;
}

/**
 * The run id a block is recorded under: the id the library printed (a UUID,
 * fresh per publish) so the program's own output names the recorded run; a
 * fresh id when the printed one is not a UUID or is already taken.
 */
async function runIdFor(services: RunServices, printed: string, taken: ReadonlySet<string>): Promise<string> {
  const id = printed.toLowerCase();
  if (UUID.test(id) && !taken.has(id) && !(await streamExists(services, runStream(id)))) return id;
  return services.ids.newId();
}

/**
 * Record one captured run block as the events an SDK run produces, as soon
 * as it was read: RunStarted (mode, script, start time from the block, the
 * workload as its parent), the inputs as captured, a RunErrored per problem
 * that is not about data, then the description, parameters, summaries,
 * labels and the block's own error (last, so `ds.error()` text is the run's
 * error), then the publication of its outputs and models (versions as
 * captured, paths that held nothing noted as missing) sealed with the block's
 * end time. A published run is never touched again: what the program does
 * later (crash, exit code) belongs to the workload.
 */
export async function recordProtocolRun(
  services: RunServices,
  run: CapturedProtocolRun,
  context: ProtocolRunContext,
  taken: ReadonlySet<string> = new Set(),
): Promise<string> {
  const { plan } = run;
  const runId = await runIdFor(services, plan.runId, taken);
  const recorder = RunRecorder.create(services, runId, context.writer);
  await recorder.record({
    kind: 'start',
    projectId: context.projectId,
    mode: plan.mode,
    workload: { ...context.workload, recordedBy: 'run-block', ...(plan.script === undefined ? {} : { script: plan.script }) },
    codeVersion: run.codeVersion,
    environment: run.environment,
    startedAt: plan.startedAt ?? run.publishedAt,
    ...(context.rerunOf === undefined ? {} : { rerunOf: context.rerunOf }),
  });

  try {
    const commands: RunCommandInput[] = run.inputs.map((input) => ({ kind: 'declareInput', ...input }));
    for (const problem of run.problems) commands.push({ kind: 'error', message: `not captured: ${problem}` });
    commands.push(...protocolRunCommands(plan));
    await recorder.recordBatch(commands);

    const publication = new PublicationPlan(runId);
    for (const output of run.outputs) publication.addOutput(output.path, output.dataset, output.changedAfterPublish);
    for (const model of run.models) publication.addModel(model);
    // Published as printed: at the block's end, with the versions captured when the block was read.
    const asPrinted: RunServices = { ...services, clock: { now: () => run.publishedAt } };
    await publishRun(asPrinted, recorder, publication, { missing: run.missing, captured: run.captured });
  } catch (error) {
    throw await runLeftUnrecorded(services, runId, error as Error, context.writer);
  }
  return runId;
}

/** A block whose run was started in the store but could not be recorded to the end: the run is marked errored with the reason. */
export class BlockRunNotRecordedError extends Error {
  constructor(
    /** The run the block was recorded under, left errored (or running, when even that failed). */
    readonly runId: string,
    reason: string,
  ) {
    super(reason);
    this.name = 'BlockRunNotRecordedError';
  }
}

/**
 * Mark a block's run errored with why it could not be recorded to the end
 * (a fresh recorder: the failed append may have left the other one stale),
 * so it is never taken for a run the program left open.
 */
async function runLeftUnrecorded(services: RunServices, runId: string, error: Error, writer: WriterMeta | undefined): Promise<BlockRunNotRecordedError> {
  const reason = error.message;
  try {
    const recorder = await RunRecorder.open(services, runId, writer);
    if (recorder.state.lifecycle === 'running') {
      await recorder.record({ kind: 'error', message: `the run block could not be recorded: ${reason}`, detail: { reason: error.name } });
    }
    return new BlockRunNotRecordedError(runId, reason);
  } catch (marking) {
    return new BlockRunNotRecordedError(runId, `${reason} (and it could not be marked errored: ${(marking as Error).message})`);
  }
}
