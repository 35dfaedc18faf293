import { DotscienceError } from '@dotscience/core';

/** A configuration value that cannot be used; names where it came from and what to write instead. */
export class ConfigurationError extends DotscienceError {
  readonly code = 'INVALID_CONFIGURATION';
  constructor(
    /** The setting: 'store', 'data', 'hub', 'token', 'project'. */
    readonly setting: string,
    /** Where the value came from: 'option', 'DOTSCIENCE_STORE', a config file path… */
    readonly source: string,
    reason: string,
  ) {
    super(`${setting} (from ${source}): ${reason}`);
  }
}

/**
 * A store that was never created: a read command's store, or a store path set
 * in the config file, the environment or an option that names no store (a
 * mistyped path is not created: only `ds init` creates stores).
 */
export class StoreNotFoundError extends DotscienceError {
  readonly code = 'STORE_NOT_FOUND';
  constructor(
    readonly directory: string,
    /** Where the store setting came from ('option', 'DOTSCIENCE_STORE', a config file), when one named it. */
    readonly source?: string,
  ) {
    super(`no dotscience store at ${directory} — run ds init here, or ${fixOf(source)}`);
  }
}

function fixOf(source: string | undefined): string {
  if (source === undefined || source === 'default') return 'point --store (or DOTSCIENCE_STORE) at an existing store';
  if (source === 'option') return 'correct --store (it names no store; ds init creates one)';
  if (source.startsWith('DOTSCIENCE_')) return `correct ${source} (it names no store; ds init creates one)`;
  return `correct "store" in ${source} (it names no store; ds init creates one)`;
}
