import type { ModelsState, ModelVersionView, ModelView } from '../projections/models.js';
import { versionStreamId } from '../events/streams.js';
import { ownEntry } from '../projections/own-keys.js';
import { RegistryError } from './registry-errors.js';

/** `name`, `name@3` or `name@champion`: a model, one of its versions, or the version an alias points at. */
export interface ModelReference {
  name: string;
  /** Absent: the latest version. */
  selector?: { version: number } | { alias: string };
}

export function parseModelReference(text: string): ModelReference {
  const at = text.lastIndexOf('@');
  if (at === -1) return { name: text };
  const name = text.slice(0, at);
  const selector = text.slice(at + 1);
  if (name === '' || selector === '') throw new RegistryError('MODEL_REFERENCE', `${JSON.stringify(text)} is not <name>, <name>@<version> or <name>@<alias>`);
  return /^[0-9]+$/.test(selector) ? { name, selector: { version: Number(selector) } } : { name, selector: { alias: selector } };
}

/**
 * The model version a reference names in the models projection, with the model: project
 * `project`'s model of that name (D122; default: the default project's). Throws a RegistryError naming what is missing.
 */
export function resolveModelReference(
  models: ModelsState,
  reference: ModelReference | string,
  project?: string,
): { model: ModelView; version: ModelVersionView } {
  const ref = typeof reference === 'string' ? parseModelReference(reference) : reference;
  const model = ownEntry(models, versionStreamId(project, ref.name));
  if (!model || model.versions.length === 0) {
    throw new RegistryError('MODEL_UNKNOWN', `there is no model ${JSON.stringify(ref.name)} (models: ${Object.keys(models).sort().join(', ') || 'none'})`);
  }
  let number = model.versions[model.versions.length - 1]!.version;
  if (ref.selector && 'alias' in ref.selector) {
    const pointed = ownEntry(model.aliases, ref.selector.alias);
    if (pointed === undefined) {
      throw new RegistryError(
        'MODEL_ALIAS_UNKNOWN',
        `model ${model.name} has no alias ${JSON.stringify(ref.selector.alias)} (aliases: ${Object.keys(model.aliases).sort().join(', ') || 'none'}) — ` +
          `name one it has or a version (${model.name}@${model.versions[model.versions.length - 1]!.version}), ` +
          `or set this one with \`ds models alias ${model.name} ${ref.selector.alias} <version>\``,
      );
    }
    number = pointed;
  } else if (ref.selector) number = ref.selector.version;
  const version = model.versions.find((v) => v.version === number);
  if (!version)
    throw new RegistryError(
      'MODEL_VERSION_UNKNOWN',
      `model ${model.name} has no version ${number} (versions: ${model.versions.map((v) => v.version).join(', ')})`,
    );
  return { model, version };
}
