import type { Command } from 'commander';
import { modelsProjection } from '@dotscience/sdk';
import { printJson, printText } from '../output/json-output.js';
import { modelTable } from '../output/model-table.js';
import { currentState } from '../projections/current-state.js';
import { distinctPrefixLength } from '../runs/run-reference.js';
import { runsState } from '../runs/run-selection.js';
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
        const state = await currentState(ds, modelsProjection);
        if (options.json) printJson(Object.values(state).sort((a, b) => a.name.localeCompare(b.name)));
        else printText(modelTable(state, distinctPrefixLength(Object.keys(await runsState(ds)))));
      });
    });
  registerModelRegistryCommands(models);
}
