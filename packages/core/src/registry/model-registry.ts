import type { DomainEvent } from '../events/catalogue.js';
import type { Decider } from '../run/decide.js';
import { RegistryError } from './registry-errors.js';

/** What a model stream's registry rules need: its versions and where its aliases point. */
export interface ModelRegistryState {
  readonly name: string;
  readonly versions: readonly number[];
  readonly aliases: Readonly<Record<string, number>>;
}

export type ModelRegistryCommand =
  | { kind: 'setAlias'; alias: string; version: number }
  | { kind: 'removeAlias'; alias: string }
  | { kind: 'tagVersion'; version: number; key: string; value: string | null }
  | { kind: 'describe'; version?: number; description: string };

export function evolveModelRegistry(state: ModelRegistryState, event: DomainEvent): ModelRegistryState {
  switch (event.type) {
    case 'ModelVersionCreated':
      return state.versions.includes(event.data.version) ? state : { ...state, versions: [...state.versions, event.data.version] };
    case 'ModelAliasSet':
      return { ...state, aliases: { ...state.aliases, [event.data.alias]: event.data.version } };
    case 'ModelAliasRemoved': {
      const { [event.data.alias]: _removed, ...aliases } = state.aliases;
      return { ...state, aliases };
    }
    default:
      return state;
  }
}

function requireVersion(state: ModelRegistryState, version: number): void {
  if (state.versions.length === 0) throw new RegistryError('MODEL_UNKNOWN', `there is no model ${JSON.stringify(state.name)}; \`ds models\` lists the models`);
  if (!state.versions.includes(version)) {
    throw new RegistryError(
      'MODEL_VERSION_UNKNOWN',
      `model ${state.name} has no version ${version} (versions: ${state.versions.join(', ')}); \`ds models\` lists them`,
    );
  }
}

/**
 * The events a registry change records: an alias set (or moved: set again
 * elsewhere) or removed, a tag on a version, a description. Setting an alias
 * where it already points records nothing; removing an alias that does not exist
 * is refused, as is naming a version the model does not have.
 */
export function decideModelRegistry(state: ModelRegistryState, command: ModelRegistryCommand): DomainEvent[] {
  const name = state.name;
  switch (command.kind) {
    case 'setAlias':
      requireVersion(state, command.version);
      if (state.aliases[command.alias] === command.version) return [];
      return [{ type: 'ModelAliasSet', data: { name, alias: command.alias, version: command.version } }];
    case 'removeAlias':
      if (!Object.hasOwn(state.aliases, command.alias)) {
        throw new RegistryError(
          'MODEL_ALIAS_UNKNOWN',
          `model ${name} has no alias ${JSON.stringify(command.alias)} to remove (aliases: ${Object.keys(state.aliases).join(', ') || 'none'})`,
        );
      }
      return [{ type: 'ModelAliasRemoved', data: { name, alias: command.alias } }];
    case 'tagVersion':
      requireVersion(state, command.version);
      return [{ type: 'ModelVersionTagged', data: { name, version: command.version, key: command.key, value: command.value } }];
    case 'describe':
      if (command.version !== undefined) requireVersion(state, command.version);
      else if (state.versions.length === 0)
        throw new RegistryError('MODEL_UNKNOWN', `there is no model ${JSON.stringify(name)}; \`ds models\` lists the models`);
      return [
        { type: 'ModelDescribed', data: { name, ...(command.version === undefined ? {} : { version: command.version }), description: command.description } },
      ];
  }
}

export function modelRegistryDecider(name: string): Decider<ModelRegistryState, ModelRegistryCommand, DomainEvent> {
  return { initialState: { name, versions: [], aliases: {} }, evolve: evolveModelRegistry, decide: decideModelRegistry };
}
