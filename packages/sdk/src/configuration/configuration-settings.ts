import type { Configuration, Settings } from './resolve-configuration.js';

/**
 * The explicit settings that open the same stores and project as `configuration` from any
 * directory (a child process run elsewhere, such as `ds rerun`'s materialized copy).
 */
export function settingsOfConfiguration(configuration: Configuration): Settings {
  const { store, data } = configuration;
  const storeSetting = store.kind === 'fs' ? store.directory : store.kind === 'hub' ? store.url : store.connectionString;
  const dataSetting = data.kind === 'fs' ? data.directory : data.kind === 'hub' ? data.url : `zfs:${data.dataset}`;
  return { store: storeSetting, data: dataSetting, project: configuration.projectId };
}
