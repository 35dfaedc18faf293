import { GENESIS_HASH } from '../events/envelope.js';
import type { MissingData, VersionRef } from '../events/catalogue.js';
import { normalizeDataPath } from './data-paths.js';
import { VersionNotCapturedError } from './session-errors.js';
import { decideRunBatch } from '../run/decide.js';
import type { RunCommandInput } from '../run/run-commands.js';
import { metricsAtPublish } from '../run/run-state.js';
import type { PlannedModel, PlannedOutput, PublicationPlan } from './publication-plan.js';
import type { RunRecorder } from './run-recorder.js';
import type { RunServices } from './run-services.js';
import { recordDatasetVersion, recordModelVersion, type VersionOutcome } from './version-streams.js';

export interface PublishedData extends VersionOutcome {
  path: string;
  dataset: string;
  ref: VersionRef;
}

export interface PublishedModel extends VersionOutcome {
  name: string;
  path: string;
  ref: VersionRef;
}

export interface PublishedRun {
  runId: string;
  endedAt: string;
  /** The seal: hash of the run stream's last event before RunPublished. */
  headHash: string;
  inputs: PublishedData[];
  outputs: PublishedData[];
  models: PublishedModel[];
}

export interface PublishOptions {
  description?: string;
  endedAt?: string;
  missing?: readonly MissingData[];
  /**
   * The versions of the plan's outputs and model files, by normalized path, when they
   * were captured before publishing (`ds run` captures a run block's data the moment
   * it reads the block): they are recorded as they are and nothing is captured now.
   */
  captured?: ReadonlyMap<string, VersionRef>;
}

/** The version of a planned path: captured now, or the one taken earlier. */
function versionOf(services: RunServices, path: string, label: string, captured: ReadonlyMap<string, VersionRef> | undefined): Promise<VersionRef> {
  if (captured === undefined) return services.data.capture(path, { label });
  const ref = captured.get(normalizeDataPath(path));
  return ref === undefined ? Promise.reject(new VersionNotCapturedError(path)) : Promise.resolve(ref);
}

/**
 * Publish a run. The order, and what a crash between two steps leaves:
 *
 * 1. Check the run may be published (started, not yet published) — else throw, nothing written.
 * 2. Capture every output and model with the DataStore (a missing path → DataPathNotFoundError
 *    naming it), or take its version from `options.captured` when the caller captured it
 *    earlier. Captures only add content-addressed data; no event is written yet.
 * 3. Decide the run-stream commands (description, OutputDeclared, ModelDeclared) against the
 *    current state, so a conflict is refused before any stream is touched.
 * 4. Append the version events: DatasetVersionCreated for each input whose content is not yet a
 *    version of its dataset (no producer), for each output (producer: this run), then
 *    ModelVersionCreated for each model.
 * 5. Append the declarations and RunPublished in ONE append to the run stream: the seal
 *    (with `options.missing`, declared paths the caller found nothing to capture at).
 *
 * RunPublished is the commit point and is written last, in the same append as the output and
 * model declarations, so a run never looks published without them. A crash during or after 4
 * but before 5 leaves versions whose producing run is still `running` (not published) in every
 * projection: visibly incomplete, never silently complete. Publishing again (the same process, or
 * a recorder opened on the run) is safe: a version whose content equals the latest is not created
 * twice, so the retry reuses the versions already written and then seals the run.
 */
export async function publishRun(services: RunServices, recorder: RunRecorder, plan: PublicationPlan, options: PublishOptions = {}): Promise<PublishedRun> {
  const runId = recorder.runId;
  await recorder.sync();
  recorder.check({ kind: 'publish', endedAt: services.clock.now(), headHash: GENESIS_HASH });

  const label = `run-${runId}`;
  const outputs: Array<PlannedOutput & { ref: VersionRef }> = [];
  for (const o of plan.outputs) outputs.push({ ...o, ref: await versionOf(services, o.path, label, options.captured) });
  const models: Array<PlannedModel & { ref: VersionRef }> = [];
  for (const m of plan.models) models.push({ ...m, ref: await versionOf(services, m.path, label, options.captured) });

  const commands: RunCommandInput[] = [];
  if (options.description !== undefined) commands.push({ kind: 'describe', description: options.description });
  for (const o of outputs) {
    commands.push({ kind: 'declareOutput', path: o.path, dataset: o.dataset, version: o.ref, changedAfterPublish: o.changedAfterPublish });
  }
  for (const m of models) {
    commands.push({ kind: 'declareModel', name: m.name, path: m.path, framework: m.framework, version: m.ref, extra: m.extra });
  }
  const preview = decideRunBatch(recorder.state, commands);

  const meta = recorder.eventMeta;
  // Each project numbers its own versions (D122): in a local store, on the run's project's streams; a hub's log is
  // one project's, whose versions are on its unqualified streams (as a default-project workstation pushes them).
  const project = services.numbersVersions === 'hub' ? undefined : (recorder.state.projectId ?? undefined);
  const publishedInputs: PublishedData[] = [];
  for (const declared of recorder.state.inputs.values()) {
    for (const input of declared) {
      const outcome = await recordDatasetVersion(services, meta, { name: input.dataset, ref: input.version, path: input.path, policy: 'unseen', project });
      publishedInputs.push({ path: input.path, dataset: input.dataset, ref: input.version, ...outcome });
    }
  }
  const publishedOutputs: PublishedData[] = [];
  for (const o of outputs) {
    const outcome = await recordDatasetVersion(services, meta, { name: o.dataset, ref: o.ref, path: o.path, producedBy: runId, policy: 'changed', project });
    publishedOutputs.push({ ...o, ...outcome });
  }
  const metrics = metricsAtPublish(preview.state);
  const publishedModels: PublishedModel[] = [];
  for (const m of models) {
    const outcome = await recordModelVersion(services, meta, { ...m, producedBy: runId, metrics, project });
    publishedModels.push({ name: m.name, path: m.path, ref: m.ref, ...outcome });
  }

  // end() may have fixed the end of the run's work earlier; otherwise it ends now.
  const endedAt = options.endedAt ?? services.clock.now();
  const sealed = await recorder.seal(commands, endedAt, options.missing);
  const seal = sealed[sealed.length - 1]!;
  return {
    runId,
    endedAt,
    headHash: seal.prevHash,
    inputs: publishedInputs,
    outputs: publishedOutputs,
    models: publishedModels,
  };
}
