import type { Command } from 'commander';
import { printJson, printText } from '../output/json-output.js';
import { ProgressBar } from '../output/progress-bar.js';
import { rerunRun } from '../rerun/rerun-execution.js';
import { rerunReport } from '../rerun/rerun-report.js';
import { collectTolerance } from '../rerun/tolerance-option.js';
import { settingsOf } from '../store-access.js';

/** What `ds rerun --check` exits with when the rerun differs (or did not run through). */
export const RERUN_DIFFERS_EXIT_CODE = 1;

/** `ds rerun <run> [--in <dir>] [--check] [--tolerance metric=1e-6]`: re-execute a run and say, item by item, whether it reproduced. */
export function registerRerunCommand(program: Command): void {
  program
    .command('rerun')
    .description(
      're-execute a run (in a reproduced copy by default), record the new runs linked to it (rerunOf), and compare every output, model, summary and metric',
    )
    .argument('<run>', 'run id or a unique prefix of it')
    .option(
      '--in <dir>',
      'run there: a new or empty directory is reproduced into first; an existing one is run in as it is (default: a temporary reproduced copy)',
    )
    .option('--check', `exit with ${RERUN_DIFFERS_EXIT_CODE} when any item differs`)
    .option(
      '--tolerance <metric=number>',
      'count a numeric metric or summary value identical within this absolute difference (repeatable)',
      collectTolerance,
      new Map<string, number>(),
    )
    .option('--json', 'print the comparison as JSON')
    .action(async (ref: string, options: { in?: string; check?: boolean; tolerance: Map<string, number>; json?: boolean }, command: Command) => {
      const progress = new ProgressBar('materializing', undefined, 'bytes');
      const outcome = await rerunRun({
        settings: settingsOf(command),
        ref,
        tolerances: options.tolerance,
        progress,
        ...(options.in === undefined ? {} : { in: options.in }),
      }).finally(() => progress.finish());
      if (options.json) printJson(outcome);
      else printText(rerunReport(outcome));
      if (options.check && !outcome.identical) process.exitCode = RERUN_DIFFERS_EXIT_CODE;
    });
}
