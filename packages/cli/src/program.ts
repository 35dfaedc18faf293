import { createRequire } from 'node:module';
import { Command } from 'commander';
import { registerAuditCommand } from './commands/audit.js';
import { registerCompareCommand } from './commands/compare.js';
import { registerDatasetsCommand } from './commands/datasets.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerExportCommand } from './commands/export.js';
import { registerGcCommand } from './commands/gc.js';
import { registerImportCommand } from './commands/import.js';
import { registerInitCommand } from './commands/init.js';
import { registerLineageCommand } from './commands/lineage.js';
import { registerMigrateCommand } from './commands/migrate.js';
import { registerModelsCommand } from './commands/models.js';
import { registerReplayCommand } from './commands/replay.js';
import { registerReproduceCommand } from './commands/reproduce.js';
import { registerRunCommand } from './commands/run.js';
import { registerRunsCommand } from './commands/runs.js';
import { registerShowCommand } from './commands/show.js';
import { registerServeCommand } from './commands/serve.js';
import { registerTokenCommand } from './commands/token.js';
import { registerUiCommand } from './commands/ui.js';
import { registerPushCommand } from './commands/push.js';
import { registerPullCommand } from './commands/pull.js';
import { registerRunAnnotationCommands } from './commands/run-annotations.js';
import { registerDatasetFilesCommands } from './commands/dataset-files.js';
import { registerServeModelCommand } from './commands/serve-model.js';
import { registerDeployCommand } from './commands/deploy.js';
import { UsageError } from './usage-error.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/** `ds token revoke`: the words a user types to reach `command`. */
const commandLine = (command: Command): string => (command.parent ? `${commandLine(command.parent)} ${command.name()}` : command.name());

/**
 * Every command of the tree fails in one line that says what to do: commander's
 * own errors get the command's --help as the way on, and a command that only
 * groups others (ds, ds token, ds audit) names them instead of printing its help.
 */
function failInOneLine(command: Command): void {
  const line = commandLine(command);
  command.showHelpAfterError(false).configureOutput({
    outputError: (text, write) => write(`${text.trim().replace(/^error: /, 'ds: ').replace(/\s*\n\s*/g, ' ')} (${line} --help shows its usage)\n`),
  });
  if (command.commands.length > 0) {
    command.helpCommand(true).allowExcessArguments().action((_options: unknown, self: Command) => {
      const names = self.commands.map((c) => c.name()).join(', ');
      const [given] = self.args;
      const what = given === undefined ? `missing command after '${line}'` : `unknown command '${given}' after '${line}'`;
      throw new UsageError(`${what}: use one of ${names} (${line} --help describes them)`);
    });
  }
  for (const sub of command.commands) failInOneLine(sub);
}

/** The `ds` command: global options, then one registration line per command. */
export function buildProgram(): Command {
  const program = new Command('ds')
    .description('dotscience: version everything a data-science run touches')
    .option('--store <url>', 'event store: file:<dir>, http(s)://<hub>, kurrentdb://<host:port> (default: .dotscience found walking up)')
    .option('--data <url>', 'data store: file:<dir>, zfs:<pool>/<dataset>, http(s)://<hub>')
    .option('--project <id>', 'project id (default: from the config file, else "default")')
    .version(version, '-V, --version', 'print the version of ds')
    .exitOverride();
  registerInitCommand(program);
  registerRunCommand(program);
  registerRunsCommand(program);
  registerShowCommand(program);
  registerCompareCommand(program);
  registerLineageCommand(program);
  registerDatasetsCommand(program);
  registerModelsCommand(program);
  registerReproduceCommand(program);
  registerReplayCommand(program);
  registerAuditCommand(program);
  registerExportCommand(program);
  registerImportCommand(program);
  registerMigrateCommand(program);
  registerGcCommand(program);
  registerDemoCommand(program);
  registerServeCommand(program);
  registerUiCommand(program);
  registerTokenCommand(program);
  registerPushCommand(program);
  registerPullCommand(program);
  registerRunAnnotationCommands(program);
  registerDatasetFilesCommands(program);
  registerServeModelCommand(program);
  registerDeployCommand(program);
  failInOneLine(program);
  return program;
}
