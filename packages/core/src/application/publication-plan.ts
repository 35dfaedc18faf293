import { z } from 'zod';
import { parseInput } from '../errors/parse-input.js';
import { canonicalJson } from '../events/canonical-json.js';
import { ChangedAfterPublishSchema, type ChangedAfterPublish } from '../events/catalogue.js';
import { JsonValueSchema, type JsonValue } from '../events/json.js';
import { withoutUndefined } from '../run/json-payload.js';
import { ModelConflictError } from '../run/run-errors.js';
import { datasetNameForPath, normalizeDataPath } from './data-paths.js';

const path = z.string().min(1, 'must be a path');
const name = z.string().min(1, 'must not be empty').max(1024);

/** A data path and an optional dataset name, as `input()`/`output()` take them. */
export const DataRequestSchema = z.object({ path, dataset: name.optional() });
/** A model declaration, as `model()` takes it. */
export const ModelRequestSchema = z.object({
  name,
  path,
  framework: z.string().min(1).optional(),
  extra: z.record(z.string(), JsonValueSchema).optional(),
});

export interface PlannedOutput {
  /** Normalized path. */
  path: string;
  dataset: string;
  /** The output was rewritten after the run was published (see ChangedAfterPublishSchema). */
  changedAfterPublish?: ChangedAfterPublish;
}

export interface PlannedModel {
  name: string;
  path: string;
  framework?: string;
  extra?: Record<string, JsonValue>;
}

/**
 * Outputs and models a run declared; they are captured when the run is
 * published (an output is usually written after it is declared). Requests are
 * validated now, so a bad one fails at the call that made it.
 */
export class PublicationPlan {
  private readonly outputsByPath = new Map<string, PlannedOutput>();
  private readonly modelsByName = new Map<string, PlannedModel>();

  constructor(readonly runId: string) {}

  /** Declare an output; the same path again keeps the latest dataset name. Returns the plan entry. */
  addOutput(outputPath: string, dataset?: string, changedAfterPublish?: ChangedAfterPublish): PlannedOutput {
    const request = parseInput(DataRequestSchema, { path: outputPath, dataset }, `output of run ${this.runId}`);
    const normalized = normalizeDataPath(request.path);
    const planned: PlannedOutput = { path: normalized, dataset: request.dataset ?? datasetNameForPath(normalized) };
    if (changedAfterPublish)
      planned.changedAfterPublish = parseInput(ChangedAfterPublishSchema, changedAfterPublish, `output ${normalized} of run ${this.runId}`);
    this.outputsByPath.set(normalized, planned);
    return planned;
  }

  /** Declare a model; the same name with identical details is a no-op, with other details a ModelConflictError. */
  addModel(model: PlannedModel): PlannedModel {
    const request = parseInput(ModelRequestSchema, model, `model of run ${this.runId}`);
    const planned: PlannedModel = withoutUndefined({ ...request, path: normalizeDataPath(request.path) });
    const previous = this.modelsByName.get(planned.name);
    if (previous && canonicalJson(previous) !== canonicalJson(planned)) {
      throw new ModelConflictError(this.runId, planned.name, previous.path, planned.path);
    }
    this.modelsByName.set(planned.name, planned);
    return planned;
  }

  get outputs(): readonly PlannedOutput[] {
    return [...this.outputsByPath.values()];
  }

  get models(): readonly PlannedModel[] {
    return [...this.modelsByName.values()];
  }
}
