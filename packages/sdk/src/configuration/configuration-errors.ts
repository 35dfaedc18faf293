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

/** The configuration selects an adapter whose package this installation does not have yet. */
export class AdapterUnavailableError extends DotscienceError {
  readonly code = 'ADAPTER_UNAVAILABLE';
  constructor(
    readonly setting: string,
    readonly value: string,
    readonly adapterPackage: string,
  ) {
    super(
      `${setting} ${value} needs ${adapterPackage}, which this installation does not include yet; ` +
        `use the embedded store instead (unset ${setting}, or set it to file:./.dotscience)`,
    );
  }
}
