import type { Command } from 'commander';
import { comparisonTable } from '../output/comparison-table.js';
import { printJson, printText } from '../output/json-output.js';
import { compareRuns } from '../runs/run-comparison.js';
import { resolveRun, runReadModel } from '../runs/run-read-model.js';
import { withStoreForReading } from '../store-access.js';

/** `ds compare <run> <run>…`: what the runs recorded, side by side. */
export function registerCompareCommand(program: Command): void {
  program
    .command('compare')
    .description(
      'compare runs: parameters, metrics (last / min / max), summary values, labels, inputs, outputs, code version and tags side by side (differences marked *, coloured on a terminal)',
    )
    .argument('<runs...>', 'two or more run ids or unique prefixes')
    .option('--json', 'print the comparison as JSON')
    .action(async (refs: string[], options: { json?: boolean }, command: Command) => {
      if (refs.length < 2) command.error('error: compare needs at least two runs, e.g. ds compare 01a2 01b3', { exitCode: 2, code: 'ds.compare.arguments' });
      await withStoreForReading(command, async (ds) => {
        const model = await runReadModel(ds);
        const runs = [];
        for (const ref of refs) runs.push(await resolveRun(model, ref));
        const comparison = compareRuns(runs);
        if (options.json) printJson(comparison);
        else printText(comparisonTable(comparison, await model.distinctPrefixLength(), process.stdout.isTTY === true && process.env.NO_COLOR === undefined));
      });
    });
}
