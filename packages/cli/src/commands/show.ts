import { pushedByOf, recordedByOf, streamReceipts, withParent } from '@dotscience/sdk';
import type { Command } from 'commander';
import { pushLines, runPushes } from '../output/push-receipts.js';
import { printJson, printText } from '../output/json-output.js';
import { runDetails } from '../output/run-details.js';
import { resolveRun, runReadModel } from '../runs/run-read-model.js';
import { withStoreForReading } from '../store-access.js';
import { datasetsOf } from '../projections/provenance-read-model.js';

/** `ds show <run>`: one run in full. */
export function registerShowCommand(program: Command): void {
  program
    .command('show')
    .description('show one run: parameters, metrics, inputs, outputs, models, code and environment')
    .argument('<run>', 'run id or a unique prefix of it')
    .option('--json', 'print the run as JSON')
    .action(async (ref: string, options: { json?: boolean }, command: Command) => {
      await withStoreForReading(command, async (ds) => {
        const run = await resolveRun(await runReadModel(ds), ref);
        // Who pushed it, as a hub signed it (the token it authenticated), not what the client claimed.
        const receipts = await streamReceipts(ds.events, ds.configuration, ds.receipts, `run-${run.runId}`);
        const pushes = runPushes(receipts);
        // Who recorded it (its workstation's word) and which hub token accepted it (the hub's signed word), D123.
        const identity = { recordedBy: recordedByOf(run), pushedBy: pushedByOf(receipts.map((l) => l.receipt)) };
        if (options.json) printJson(pushes.length === 0 ? { ...withParent(run), ...identity } : { ...withParent(run), ...identity, pushes });
        else printText([runDetails(run, await datasetsOf(ds, run)), ...pushLines(pushes)].join('\n'));
      });
    });
}
