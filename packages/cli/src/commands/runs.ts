import { withParent } from '@dotscience/sdk';
import type { Command } from 'commander';
import { nonNegativeInteger } from '../command-arguments.js';
import { printJson, printText } from '../output/json-output.js';
import { runsCsv } from '../output/run-csv.js';
import { runTable } from '../output/run-table.js';
import { distinctPrefixLength } from '../runs/run-reference.js';
import { selectRuns } from '../runs/run-selection.js';
import { withStoreForReading } from '../store-access.js';

/** `ds runs`: the runs a filter selects, as a table or JSON. */
export function registerRunsCommand(program: Command): void {
  program
    .command('runs')
    .description('list runs, newest first')
    .option('--filter <expr>', `filter in MLflow's syntax, e.g. "metrics.accuracy > 0.8 and params.depth = 3" (may end in "order by …")`)
    .option('--sort <keys>', 'order, e.g. "metrics.accuracy desc, params.depth"')
    .option('--limit <n>', 'show at most n runs', nonNegativeInteger)
    .option('--workloads', "also list each `ds run` workload's own run, with the runs its program recorded beneath it")
    .option('--archived', 'also list archived runs (ds archive hides them)')
    .option('--csv', 'print the runs as CSV: id, status, times, description, params.*, metrics.* (last value), tags.*')
    .option('--json', 'print the runs as JSON (each with "parent": the workload run it was recorded under, or null)')
    .action(async (options: { filter?: string; sort?: string; limit?: number; workloads?: boolean; archived?: boolean; csv?: boolean; json?: boolean }, command: Command) => {
      await withStoreForReading(command, async (ds) => {
        const { runs, all } = await selectRuns(ds, options);
        if (options.csv) process.stdout.write(runsCsv(runs));
        else if (options.json) printJson(runs.map(withParent));
        else printText(runTable(runs, distinctPrefixLength(Object.keys(all))));
      });
    });
}
