import type { DomainEvent } from '../events/catalogue.js';
import {
  namedVersionView,
  numberedBy,
  placeVersionEvent,
  settleView,
  sortVersionViews,
  versionKey,
  type NumberedVersionView,
} from '../projections/version-settlement.js';
import type { Decider } from '../run/decide.js';
import { RegistryError } from './registry-errors.js';

/** What a model stream's registry rules need: its versions, numbered as the models projection numbers them, and where its aliases point. */
export interface ModelRegistryState {
  readonly name: string;
  /** The version numbers the models projection shows. */
  readonly versions: readonly number[];
  readonly aliases: Readonly<Record<string, number>>;
  /** The versions as numbering left them (a hub's copy renumbers the local version it settles, D104). */
  readonly views: readonly NumberedVersionView[];
  /** Alias → the identity of the version it points at (null: one without content), so settling a version moves its aliases (D126). */
  readonly aliasTargets: Readonly<Record<string, string | null>>;
}

export type ModelRegistryCommand =
  | { kind: 'setAlias'; alias: string; version: number }
  | { kind: 'removeAlias'; alias: string }
  | { kind: 'tagVersion'; version: number; key: string; value: string | null }
  | { kind: 'describe'; version?: number; description: string };

function withVersion(state: ModelRegistryState, data: Extract<DomainEvent, { type: 'ModelVersionCreated' }>['data']): ModelRegistryState {
  const views = state.views.map((v) => ({ ...v }));
  const place = placeVersionEvent(views, data);
  if (place.kind === 'present') return state;
  let aliases = state.aliases;
  if (place.kind === 'settles') {
    settleView(place.view, data.version);
    sortVersionViews(views, place.view);
    const key = versionKey(place.view.ref, place.view.producedBy);
    aliases = Object.fromEntries(Object.entries(aliases).map(([alias, n]) => [alias, key !== null && state.aliasTargets[alias] === key ? data.version : n]));
  } else {
    const view = { version: data.version, ref: data.ref, producedBy: data.producedBy, numbering: numberedBy(data.numbering) };
    views.push(view);
    sortVersionViews(views, view);
  }
  return { ...state, views, aliases, versions: [...new Set(views.map((v) => v.version))] };
}

export function evolveModelRegistry(state: ModelRegistryState, event: DomainEvent): ModelRegistryState {
  switch (event.type) {
    case 'ModelVersionCreated':
      return withVersion(state, event.data);
    case 'ModelAliasSet': {
      const view = namedVersionView(state.views, event.data);
      const target = view ? versionKey(view.ref, view.producedBy) : (event.data.versionIdentity ?? null);
      return {
        ...state,
        aliases: { ...state.aliases, [event.data.alias]: view?.version ?? event.data.version },
        aliasTargets: { ...state.aliasTargets, [event.data.alias]: target },
      };
    }
    case 'ModelAliasRemoved': {
      const { [event.data.alias]: _removed, ...aliases } = state.aliases;
      const { [event.data.alias]: _target, ...aliasTargets } = state.aliasTargets;
      return { ...state, aliases, aliasTargets };
    }
    default:
      return state;
  }
}

/** The identity of the version numbered `version` now, for the event that names it (absent for a version without content). */
function identityOf(state: ModelRegistryState, version: number): { versionIdentity?: string } {
  const view = namedVersionView(state.views, { version });
  const key = view ? versionKey(view.ref, view.producedBy) : null;
  return key === null ? {} : { versionIdentity: key };
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
    case 'setAlias': {
      requireVersion(state, command.version);
      const named = identityOf(state, command.version);
      // Already there: the same number, and the same version where one number is both a settled version and a provisional claim.
      const target = Object.hasOwn(state.aliasTargets, command.alias) ? state.aliasTargets[command.alias] : undefined;
      if (state.aliases[command.alias] === command.version && (named.versionIdentity === undefined || target === named.versionIdentity)) return [];
      return [{ type: 'ModelAliasSet', data: { name, alias: command.alias, version: command.version, ...named } }];
    }
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
      return [
        {
          type: 'ModelVersionTagged',
          data: { name, version: command.version, ...identityOf(state, command.version), key: command.key, value: command.value },
        },
      ];
    case 'describe':
      if (command.version !== undefined) requireVersion(state, command.version);
      else if (state.versions.length === 0)
        throw new RegistryError('MODEL_UNKNOWN', `there is no model ${JSON.stringify(name)}; \`ds models\` lists the models`);
      return [
        {
          type: 'ModelDescribed',
          data: {
            name,
            ...(command.version === undefined ? {} : { version: command.version, ...identityOf(state, command.version) }),
            description: command.description,
          },
        },
      ];
  }
}

export function modelRegistryDecider(name: string): Decider<ModelRegistryState, ModelRegistryCommand, DomainEvent> {
  return { initialState: { name, versions: [], aliases: {}, views: [], aliasTargets: {} }, evolve: evolveModelRegistry, decide: decideModelRegistry };
}
