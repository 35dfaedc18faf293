import type { RunPageRequest } from '@dotscience/sdk';
import type { Command } from 'commander';
import { nonNegativeInteger } from '../command-arguments.js';
import { printText } from '../output/json-output.js';
import { runTable } from '../output/run-table.js';
import { streamCsv, streamJsonArray, streamNdjson } from '../output/run-stream.js';
import { runReadModel } from '../runs/run-read-model.js';
import { scopedProject, selectionRequest } from '../runs/run-selection.js';
import { withStoreForReading } from '../store-access.js';

/** Rows of the table when no --limit / --all is given. */
export const RUNS_PAGE = 50;

interface RunsOptions {
  filter?: string;
  sort?: string;
  limit?: number;
  offset?: number;
  all?: boolean;
  workloads?: boolean;
  archived?: boolean;
  json?: boolean;
  ndjson?: boolean;
  csv?: boolean;
}

/** The line under a table that shows part of the runs: how many more match and how to see them. */
function moreLine(shown: number, offset: number, total: number): string {
  const more = total - offset - shown;
  return `Showing runs ${offset + 1}–${offset + shown} of ${total}, newest first; ${more} more: ds runs --offset ${offset + shown} (next page), --limit <n> or --all`;
}

/** `ds runs`: the runs a filter selects, a page of them as a table, or all of them as JSON, NDJSON or CSV. */
export function registerRunsCommand(program: Command): void {
  program
    .command('runs')
    .description(`list runs, newest first (the table shows ${RUNS_PAGE} at a time)`)
    .option('--filter <expr>', `filter in MLflow's syntax, e.g. "metrics.accuracy > 0.8 and params.depth = 3" (may end in "order by …")`)
    .option('--sort <keys>', 'order, e.g. "metrics.accuracy desc, params.depth"')
    .option('--limit <n>', `show at most n runs (the table's default: ${RUNS_PAGE}; JSON, NDJSON and CSV: all)`, nonNegativeInteger)
    .option('--offset <n>', 'skip the first n runs of the order (the next page: --offset 50)', nonNegativeInteger)
    .option('--all', 'show every run that matches')
    .option('--workloads', "also list each `ds run` workload's own run, with the runs its program recorded beneath it")
    .option('--archived', 'also list archived runs (ds archive hides them; deleted runs are never listed)')
    .option('--json', 'print the runs as a JSON array (each with "parent": the workload run it was recorded under, or null), written as it is read')
    .option('--ndjson', 'print one JSON run per line')
    .option('--csv', 'print the runs as CSV: one column per parameter, metric (last value), summary value and label')
    .action(async (options: RunsOptions, command: Command) => {
      const machine = options.json || options.ndjson || options.csv;
      if ([options.json, options.ndjson, options.csv].filter(Boolean).length > 1) {
        command.error('error: choose one of --json, --ndjson and --csv', { exitCode: 2, code: 'ds.runs.format' });
      }
      if (options.all && options.limit !== undefined)
        command.error('error: --all and --limit contradict each other; give one', { exitCode: 2, code: 'ds.runs.limit' });
      await withStoreForReading(command, async (ds) => {
        const model = await runReadModel(ds);
        const limit = options.all ? undefined : (options.limit ?? (machine ? undefined : RUNS_PAGE));
        const request: RunPageRequest = {
          ...selectionRequest(options, scopedProject(ds)),
          ...(limit === undefined ? {} : { limit }),
          ...(options.offset === undefined ? {} : { offset: options.offset }),
        };
        if (options.json) return streamJsonArray(model.eachRun(request));
        if (options.ndjson) return streamNdjson(model.eachRun(request));
        if (options.csv) return streamCsv(() => model.eachRun(request));
        const page = await model.runs(request);
        printText(runTable(page.runs, await model.distinctPrefixLength()));
        if (page.total > page.offset + page.runs.length && page.runs.length > 0) printText(moreLine(page.runs.length, page.offset, page.total));
      });
    });
}
