import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { printJson, printText } from '../output/json-output.js';
import { ProgressBar } from '../output/progress-bar.js';
import { withStoreForWriting } from '../store-access.js';
import { importEvents } from '../transfer/event-import.js';
import { parseExport } from '../transfer/import-plan.js';
import { UsageError } from '../usage-error.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** `ds import`: append the events of an NDJSON export; idempotent; a bad file imports nothing. */
export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('import events written by ds export (ids and hashes preserved; importing twice adds nothing)')
    .argument('[file]', 'the NDJSON file (default: stdin)')
    .option('--json', 'print the counts as JSON')
    .action(async (file: string | undefined, options: { json?: boolean }, command: Command) => {
      if (file?.endsWith('.ipynb'))
        throw new UsageError(`${file} is a Jupyter notebook: ds import reads what ds export wrote; record a notebook's runs with ds notebook ingest ${file}`);
      const text = file === undefined || file === '-' ? await readStdin() : await readFile(file, 'utf8');
      const source = file === undefined || file === '-' ? 'stdin' : file;
      const imported = parseExport(text, source); // the whole file is checked before the store is even opened
      const progress = new ProgressBar('importing', undefined, 'events');
      const report = await withStoreForWriting(command, (ds) => importEvents(ds.events, imported, source, progress), true).finally(() => progress.finish());
      if (options.json) printJson(report);
      else printText(`imported ${report.imported} events (${report.alreadyPresent} already present) of ${report.streams} streams from ${source}`);
    });
}
