import type { Command } from 'commander';
import { runWorkload, type WorkloadOutcome } from '../runner/index.js';
import { settingsOf } from '../store-access.js';

/** The lines `ds run` ends with, on stderr (stdout is the program's alone). */
export function workloadReport(outcome: WorkloadOutcome): string {
  const lines = [`ds run: workload ${outcome.workloadId} — exit code ${outcome.exit.exitCode}${outcome.exit.signal ? ` (${outcome.exit.signal})` : ''}`];
  for (const runId of outcome.protocolRuns) lines.push(`ds run: run ${runId} from a Dotscience run block`);
  for (const run of outcome.notebookRuns) lines.push(`ds run: run ${run.runId} from the notebook ${run.notebook} (cell ${run.cell})`);
  for (const runId of outcome.linkedRuns) lines.push(`ds run: run ${runId} recorded by the program`);
  if (outcome.errors.length > 0) lines.push(`ds run: ${outcome.errors.length} problem(s) recorded as errors of the workload (ds show ${outcome.workloadId})`);
  if (outcome.exitCode !== outcome.exit.exitCode) {
    lines.push(
      `ds run: exiting with ${outcome.exitCode}: the program exited ${outcome.exit.exitCode}, but a run block it printed could not be recorded (see above)`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** `ds run [--] <cmd…>`: run a command as a recorded workload and exit with its exit code (65 when it exited 0 but a run block could not be recorded). */
export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description(
      'run a command as a recorded workload: its log, exit code, code version and environment; runs it records with the SDK link to it, and Dotscience run blocks it prints (the Python library) become runs',
    )
    .argument('<command...>', 'the program and its arguments; put them after -- (ds run -- python3 train.py --epochs 3)')
    .allowUnknownOption()
    .action(async (commandLine: string[], _options: unknown, command: Command) => {
      const outcome = await runWorkload({ command: commandLine, settings: settingsOf(command) });
      process.stderr.write(workloadReport(outcome));
      process.exitCode = outcome.exitCode;
    });
}
