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

/** The `ds` command: global options, then one registration line per command. */
export function buildProgram(): Command {
  const program = new Command('ds')
    .description('dotscience: version everything a data-science run touches')
    .option('--store <url>', 'event store: file:<dir>, http(s)://<hub>, kurrentdb://<host:port> (default: .dotscience found walking up)')
    .option('--data <url>', 'data store: file:<dir>, zfs:<pool>/<dataset>, http(s)://<hub>')
    .option('--project <id>', 'project id (default: from the config file, else "default")')
    .showHelpAfterError('(ds --help lists the commands and options)')
    .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'ds: ')) })
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
  return program;
}
