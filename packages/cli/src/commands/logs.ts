import type { Command } from 'commander';
import { workloadLogs } from '../logs/workload-logs.js';
import { resolveRun, runReadModel } from '../runs/run-read-model.js';
import { withStoreForReading } from '../store-access.js';

/** `ds logs <run>`: the program's captured stdout (on stdout) and stderr (on stderr). */
export function registerLogsCommand(program: Command): void {
  program
    .command('logs')
    .description(
      "print the captured output of a run's program: its stdout on stdout, its stderr on stderr (runs of ds run and the runs their program recorded)",
    )
    .argument('<run>', 'run id or a unique prefix of it')
    .option('--stdout', 'only the stdout')
    .option('--stderr', 'only the stderr (printed on stdout)')
    .action(async (ref: string, options: { stdout?: boolean; stderr?: boolean }, command: Command) => {
      const logs = await withStoreForReading(command, async (ds) => {
        const runs = await runReadModel(ds);
        return workloadLogs(ds, runs, await resolveRun(runs, ref));
      });
      if (options.stderr) process.stdout.write(logs.stderr);
      else if (options.stdout) process.stdout.write(logs.stdout);
      else {
        process.stdout.write(logs.stdout);
        process.stderr.write(logs.stderr);
      }
    });
}
