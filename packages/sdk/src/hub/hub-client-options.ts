import type { HubClientOptions } from '@dotscience/adapters-http';
import { ConfigurationError } from '../configuration/configuration-errors.js';
import type { Configuration } from '../configuration/resolve-configuration.js';

/**
 * How the hub clients reach `url`: with the configured token, and the
 * configured project when one was set (else the project the token is scoped to).
 */
export function hubClientOptions(url: string, configuration: Configuration): HubClientOptions {
  if (configuration.token === undefined) {
    throw new ConfigurationError(
      'token',
      configuration.sources.token,
      `the hub ${url} needs a token — set DOTSCIENCE_TOKEN (from ds token create on the hub), or call ds.connect(url, token)`,
    );
  }
  return { url, token: configuration.token, ...(configuration.sources.project === 'default' ? {} : { project: configuration.projectId }) };
}
