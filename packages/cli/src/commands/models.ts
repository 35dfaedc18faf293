import type { Command } from 'commander';
import { versionStreamId } from '@dotscience/sdk';
import { printJson, printText } from '../output/json-output.js';
import { modelTable } from '../output/model-table.js';
import { provenanceReadModel } from '../projections/provenance-read-model.js';
import { runReadModel } from '../runs/run-read-model.js';
import { inProject, projectRunIds } from '../runs/run-selection.js';
import { withStoreForReading } from '../store-access.js';
import { registerModelRegistryCommands } from './model-registry.js';

/** `ds models`: every model version (its `list`), and the registry's commands. */
export function registerModelsCommand(program: Command): void {
  const models = program.command('models').description('the model registry: versions, aliases, tags, descriptions, history; files of a version');
  models
    .command('list', { isDefault: true })
    .description('list model versions with their producing runs, aliases, tags and metrics (what `ds models` alone does)')
    .option('--json', 'print the models as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withStoreForReading(command, async (ds) => {
        const all = await (await provenanceReadModel(ds)).models();
        const scope = await projectRunIds(ds);
        const state = Object.fromEntries(
          all
            .map((m) => [versionStreamId(m.project, m.name), { ...m, versions: inProject(m.versions, scope) }] as const)
            .filter(([, m]) => m.versions.length > 0),
        );
        if (options.json) printJson(Object.values(state).sort((a, b) => a.name.localeCompare(b.name)));
        else printText(modelTable(state, await (await runReadModel(ds)).distinctPrefixLength()));
      });
    });
  registerModelRegistryCommands(models);
}
