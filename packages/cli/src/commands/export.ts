import type { Command } from 'commander';
import { printJson } from '../output/json-output.js';
import { withStoreForReading } from '../store-access.js';
import { exportEvents } from '../transfer/event-export.js';

/** `ds export`: every recorded event as NDJSON, to a file or stdout. */
export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('write every recorded event as NDJSON (ids and hashes included) to a file or stdout')
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--json', 'with --out: print the counts as JSON')
    .action(async (options: { out?: string; json?: boolean }, command: Command) => {
      const report = await withStoreForReading(command, (ds) => exportEvents(ds.events, options.out));
      if (options.out === undefined) return;
      if (options.json) printJson({ ...report, file: options.out });
      else process.stderr.write(`exported ${report.events} events of ${report.streams} streams to ${options.out}\n`);
    });
}
