import type { Command } from 'commander';
import { initializeProject } from '@dotscience/sdk';
import { printJson, printText } from '../output/json-output.js';
import { settingsOf } from '../store-access.js';

/** `ds init`: create `.dotscience/config.json` and the store in the working directory; idempotent. */
export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .description('create .dotscience/config.json and the store here (running it again changes nothing)')
    .option('--json', 'print the result as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const result = await initializeProject({ cwd: process.cwd(), settings: settingsOf(command) });
      const { store, data, projectId } = result.configuration;
      const storeText = store.kind === 'fs' ? store.directory : store.kind === 'hub' ? store.url : store.connectionString;
      const dataText = data.kind === 'fs' ? data.directory : data.kind === 'zfs' ? `zfs:${data.dataset}` : data.url;
      if (options.json) {
        printJson({
          configFile: result.configFile,
          configCreated: result.configCreated,
          projectCreated: result.projectCreated,
          projectId,
          store: storeText,
          data: dataText,
        });
        return;
      }
      printText(
        [
          `${result.configCreated ? 'Created' : 'Already initialised:'} ${result.configFile}`,
          `project  ${projectId}${result.projectCreated ? ' (created)' : ''}`,
          `events   ${storeText}`,
          `data     ${dataText}`,
        ].join('\n'),
      );
    });
}
