import { existsSync } from 'node:fs';
import { InvalidOptionArgumentError, type Command } from 'commander';
import { openDotscience } from '@dotscience/sdk';
import { ingestNotebook } from '../notebook/notebook-ingest.js';
import { NotebookWatcher } from '../notebook/notebook-watcher.js';
import { printText } from '../output/json-output.js';
import { settingsOf } from '../store-access.js';
import { UsageError } from '../usage-error.js';
import { describeIngest } from './notebook.js';

const debounceArgument = (value: string): number => {
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 0 || ms > 600_000) throw new InvalidOptionArgumentError(`--debounce ${value}: give milliseconds, 0 to 600000`);
  return ms;
};

/** `ds watch [dir]`: ingest notebooks when they are saved, until Ctrl-C (what Dotscience's committer did). */
export function registerWatchCommand(program: Command): void {
  program
    .command('watch')
    .description('record the runs of notebooks as they are saved (ds notebook ingest on each save), until Ctrl-C')
    .argument('[dir]', 'the directory to watch, with its subdirectories', '.')
    .option('--debounce <ms>', 'quiet time after a save before the notebook is read', debounceArgument, 1000)
    .action(async (dir: string, options: { debounce: number }, command: Command) => {
      if (!existsSync(dir)) throw new UsageError(`ds watch: ${dir} does not exist: give a directory of notebooks`);
      const settings = settingsOf(command);
      const watcher = new NotebookWatcher(dir, {
        debounceMs: options.debounce,
        // The store is taken for each batch only, so ds run and other writers go on between saves.
        ingest: async (notebooks) => {
          const ds = await openDotscience({ settings, waitForLock: true });
          try {
            for (const notebook of notebooks) {
              try {
                const report = await ingestNotebook(ds, notebook, { projectId: ds.configuration.projectId, projectRoot: ds.configuration.projectRoot });
                printText(describeIngest(report).join('\n'));
              } catch (error) {
                process.stderr.write(`ds watch: ${notebook}: ${(error as Error).message} (read again at its next save)\n`);
              }
            }
          } finally {
            await ds.close();
          }
        },
        onError: (error) => process.stderr.write(`ds watch: ${error.message}\n`),
      });
      printText(`ds watch: watching ${watcher.directory} for notebook saves (Ctrl-C stops)`);
      await new Promise<void>((stop) => {
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await watcher.close();
    });
}
