import type { Command } from 'commander';
import { versionStreamId } from '@dotscience/sdk';
import { datasetTable } from '../output/dataset-table.js';
import { printJson, printText } from '../output/json-output.js';
import { provenanceReadModel } from '../projections/provenance-read-model.js';
import { runReadModel } from '../runs/run-read-model.js';
import { inProject, projectRunIds } from '../runs/run-selection.js';
import { withStoreForReading } from '../store-access.js';

/** `ds datasets`: every dataset version. */
export function registerDatasetsCommand(program: Command): void {
  program
    .command('datasets')
    .description('list dataset versions with their producing and consuming runs')
    .option('--json', 'print the datasets as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withStoreForReading(command, async (ds) => {
        const all = await (await provenanceReadModel(ds)).datasets();
        const scope = await projectRunIds(ds);
        const datasets = Object.fromEntries(
          all
            .map((d) => [versionStreamId(d.project, d.name), { ...d, versions: inProject(d.versions, scope) }] as const)
            .filter(([, d]) => d.versions.length > 0),
        );
        const state = { datasets, matching: { versions: {}, awaiting: {} } };
        if (options.json) printJson(Object.values(state.datasets).sort((a, b) => a.name.localeCompare(b.name)));
        else printText(datasetTable(state, await (await runReadModel(ds)).distinctPrefixLength()));
      });
    });
}
