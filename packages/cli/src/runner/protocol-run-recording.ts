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
} from '@dotscience/core';
import { PreCapturedDataStore } from './pre-captured-data-store.js';
import type { CapturedProtocolRun } from './protocol-block-capture.js';

export interface WorkloadError {
  message: string;
  detail?: JsonValue;
}

export interface ProtocolRunContext {
  projectId: string;
  /** The workload the block was printed by (command, cwd, workloadId). */
  workload: Workload;
  writer?: WriterMeta;
  /** Recorded on the run as well, e.g. the program's non-zero exit. */
  workloadError?: WorkloadError;
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
 * Record one captured run block as the events an SDK run produces: RunStarted
 * (mode, script, start time from the block), the inputs as captured, the
 * description, parameters, summaries, labels and error, one RunErrored per
 * path that could not be captured (and the workload's error, if any), then
 * the publication of its outputs and models (versions as captured) sealed
 * with the block's end time.
 */
export async function recordProtocolRun(
  services: RunServices,
  run: CapturedProtocolRun,
  context: ProtocolRunContext,
  taken: ReadonlySet<string> = new Set(),
): Promise<string> {
  const { plan } = run;
  const runId = await runIdFor(services, plan.runId, taken);
  const endedAt = plan.endedAt ?? run.printedAt;
  const recorder = RunRecorder.create(services, runId, context.writer);
  await recorder.record({
    kind: 'start',
    projectId: context.projectId,
    mode: plan.mode,
    workload: { ...context.workload, ...(plan.script === undefined ? {} : { script: plan.script }) },
    codeVersion: run.codeVersion,
    environment: run.environment,
    startedAt: plan.startedAt ?? endedAt,
  });

  const commands: RunCommandInput[] = run.inputs.map((input) => ({ kind: 'declareInput', ...input }));
  commands.push(...protocolRunCommands(plan));
  for (const problem of run.problems) commands.push({ kind: 'error', message: `not captured: ${problem}` });
  if (context.workloadError) commands.push({ kind: 'error', ...context.workloadError });
  await recorder.recordBatch(commands);

  const publication = new PublicationPlan(runId);
  for (const path of plan.outputs) if (run.captured.has(path)) publication.addOutput(path);
  for (const model of plan.models) if (run.captured.has(model.path)) publication.addModel(model);
  const asPrinted: RunServices = { ...services, data: new PreCapturedDataStore(services.data, run.captured), clock: { now: () => endedAt } };
  await publishRun(asPrinted, recorder, publication);
  return runId;
}
