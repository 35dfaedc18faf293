import { z } from 'zod';
import { normalizeDataPath } from '../application/data-paths.js';
import type { PlannedModel } from '../application/publication-plan.js';
import { ProtocolDataPathSchema } from './run-block.js';

/**
 * Later versions of the library record `ds.model(tf, "name", "model/", classes="classes.json")`
 * as a label `artefact:<name>` whose value is compact JSON:
 * `{"files":{"classes":"classes.json","model":"model"},"type":"tensorflow-model","version":"2.0.0"}`
 * (and add the files as outputs). Such a label is read as a model declaration;
 * a label that does not fit is left a plain label.
 */
export const ARTEFACT_LABEL_PREFIX = 'artefact:';

const ArtefactLabelSchema = z.object({
  type: z.string().min(1),
  version: z.string().optional(),
  files: z.object({ model: ProtocolDataPathSchema }).catchall(ProtocolDataPathSchema),
});

function parseArtefact(value: string): z.output<typeof ArtefactLabelSchema> | undefined {
  try {
    const parsed = ArtefactLabelSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The models declared by `artefact:<name>` labels, in label order. */
export function modelsFromArtefactLabels(labels: Record<string, string>): PlannedModel[] {
  const models: PlannedModel[] = [];
  for (const [label, value] of Object.entries(labels)) {
    if (!label.startsWith(ARTEFACT_LABEL_PREFIX) || label.length === ARTEFACT_LABEL_PREFIX.length) continue;
    const artefact = parseArtefact(value);
    if (!artefact) continue;
    const files = Object.fromEntries(Object.entries(artefact.files).map(([role, path]) => [role, normalizeDataPath(path as string)]));
    models.push({
      name: label.slice(ARTEFACT_LABEL_PREFIX.length),
      path: files.model!,
      framework: artefact.type.replace(/-model$/, ''),
      extra: { artefactType: artefact.type, ...(artefact.version === undefined ? {} : { frameworkVersion: artefact.version }), files },
    });
  }
  return models;
}
