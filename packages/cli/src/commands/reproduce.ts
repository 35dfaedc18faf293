import type { Command } from 'commander';
import { printJson, printText } from '../output/json-output.js';
import { ProgressBar } from '../output/progress-bar.js';
import { reproduceRun, type Reproduction } from '../reproduce/reproduction.js';
import { shellWord } from '../reproduce/rerun-command.js';
import { runFamily } from '../runs/run-family.js';
import { resolveRun, runReadModel } from '../runs/run-read-model.js';
import { withStoreForReading } from '../store-access.js';

/** What `ds reproduce` says it restored, what it could not, and the command. */
export function reproductionText(result: Reproduction): string {
  const lines = [`Reproduced run ${result.runId} in ${result.target}`];
  if (result.code) lines.push(`code    git ${result.code.commit} (from ${result.code.repository})`);
  const change = result.uncommittedChange;
  if (change)
    lines.push(
      `change  patch ${change.patch} applied, ${change.verified === true ? "verified: the tree matches the run's diff digest" : change.verified === false ? "NOT verified: the tree differs from the run's diff digest" : 'not verifiable'}`,
    );
  if (result.snapshot) lines.push(`code    ${result.snapshot.files} file(s) kept with the run (not in git) in ${result.snapshot.directory}`);
  for (const manifest of result.manifests) lines.push(`deps    ${manifest.target}${manifest.kept ? " (the checkout's own)" : ''}`);
  for (const input of result.inputs) lines.push(`input   ${input.path}  ${input.digest ?? ''}`);
  if (result.notRestored.length > 0) lines.push('', 'Not restored:', ...result.notRestored.map((line) => `  ${line}`));
  lines.push('', 'To re-run it:', `  cd ${shellWord(result.workingDirectory)}${result.command ? ` && ${result.command}` : ''}`);
  return lines.join('\n');
}

/** `ds reproduce <run> <dir>`: the run's code, dependency manifests and inputs at their versions, and the command to re-run it. */
export function registerReproduceCommand(program: Command): void {
  program
    .command('reproduce')
    .description(
      "restore a run's code (its git commit, or the copy kept when it was not in git), dependency manifests and inputs (their recorded versions) into a directory, and print how to re-run it",
    )
    .argument('<run>', 'run id or a unique prefix of it')
    .argument('<dir>', 'a new or empty directory')
    .option('--json', 'print what was restored as JSON')
    .option('--special-modes', 'restore setuid, setgid and sticky bits of the inputs as captured (cleared by default)')
    .action(async (ref: string, dir: string, options: { json?: boolean; specialModes?: boolean }, command: Command) => {
      const progress = new ProgressBar('materializing', undefined, 'bytes');
      const result = await withStoreForReading(command, async (ds) => {
        const runs = await runReadModel(ds);
        const family = await runFamily(runs, await resolveRun(runs, ref));
        const reproduced = await reproduceRun(ds, family.source, dir, progress, { specialModes: options.specialModes === true }, family.members);
        return { ...reproduced, runId: family.run.runId };
      }).finally(() => progress.finish());
      if (options.json) return printJson(result);
      for (const warning of result.warnings) process.stderr.write(`ds: warning: ${warning}\n`);
      printText(reproductionText(result));
    });
}
