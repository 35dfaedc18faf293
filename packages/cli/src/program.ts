import { readFileSync } from 'node:fs';
import { Command } from 'commander';

/**
 * Each command's module, loaded only when that command runs (or when the whole tree is
 * listed: `ds --help`, a missing or unknown command): `ds --version` loads none, `ds runs`
 * only what runs needs. The order is the order `ds --help` lists them in.
 */
type CommandLoader = () => Promise<(program: Command) => void>;

/** Modules that register several commands: each of their names loads the same module once. */
const runAnnotations: CommandLoader = async () => (await import('./commands/run-annotations.js')).registerRunAnnotationCommands;
const datasetFiles: CommandLoader = async () => (await import('./commands/dataset-files.js')).registerDatasetFilesCommands;

const commandModules: Record<string, CommandLoader> = {
  init: async () => (await import('./commands/init.js')).registerInitCommand,
  run: async () => (await import('./commands/run.js')).registerRunCommand,
  runs: async () => (await import('./commands/runs.js')).registerRunsCommand,
  show: async () => (await import('./commands/show.js')).registerShowCommand,
  compare: async () => (await import('./commands/compare.js')).registerCompareCommand,
  lineage: async () => (await import('./commands/lineage.js')).registerLineageCommand,
  datasets: async () => (await import('./commands/datasets.js')).registerDatasetsCommand,
  models: async () => (await import('./commands/models.js')).registerModelsCommand,
  reproduce: async () => (await import('./commands/reproduce.js')).registerReproduceCommand,
  rerun: async () => (await import('./commands/rerun.js')).registerRerunCommand,
  logs: async () => (await import('./commands/logs.js')).registerLogsCommand,
  replay: async () => (await import('./commands/replay.js')).registerReplayCommand,
  audit: async () => (await import('./commands/audit.js')).registerAuditCommand,
  export: async () => (await import('./commands/export.js')).registerExportCommand,
  import: async () => (await import('./commands/import.js')).registerImportCommand,
  migrate: async () => (await import('./commands/migrate.js')).registerMigrateCommand,
  gc: async () => (await import('./commands/gc.js')).registerGcCommand,
  demo: async () => (await import('./commands/demo.js')).registerDemoCommand,
  serve: async () => (await import('./commands/serve.js')).registerServeCommand,
  ui: async () => (await import('./commands/ui.js')).registerUiCommand,
  token: async () => (await import('./commands/token.js')).registerTokenCommand,
  push: async () => (await import('./commands/push.js')).registerPushCommand,
  pull: async () => (await import('./commands/pull.js')).registerPullCommand,
  sync: async () => (await import('./commands/push.js')).registerSyncCommand,
  projects: async () => (await import('./commands/projects.js')).registerProjectsCommand,
  notebook: async () => (await import('./commands/notebook.js')).registerNotebookCommand,
  watch: async () => (await import('./commands/watch.js')).registerWatchCommand,
  tag: runAnnotations,
  note: runAnnotations,
  archive: runAnnotations,
  restore: runAnnotations,
  delete: runAnnotations,
  ls: datasetFiles,
  diff: datasetFiles,
  'serve-model': async () => (await import('./commands/serve-model.js')).registerServeModelCommand,
  deploy: async () => (await import('./commands/deploy.js')).registerDeployCommand,
};

// Read, not required: require() would start the CommonJS loader, which `ds --version` has no other use for.
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

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
    outputError: (text, write) =>
      write(
        `${text
          .trim()
          .replace(/^error: /, 'ds: ')
          .replace(/\s*\n\s*/g, ' ')} (${line} --help shows its usage)\n`,
      ),
  });
  if (command.commands.length > 0) {
    command
      .helpCommand(true)
      .allowExcessArguments()
      .action(async (_options: unknown, self: Command) => {
        const names = self.commands.map((c) => c.name()).join(', ');
        const [given] = self.args;
        const what = given === undefined ? `missing command after '${line}'` : `unknown command '${given}' after '${line}'`;
        const { UsageError } = await import('./usage-error.js');
        throw new UsageError(`${what}: use one of ${names} (${line} --help describes them)`);
      });
  }
  for (const sub of command.commands) failInOneLine(sub);
}

/**
 * The command `args` (the words after `ds`) name: the first word no global option takes
 * as its value. Undefined when there is none, or it is not a command of ds.
 */
function invokedCommand(program: Command, args: readonly string[]): string | undefined {
  const takingValue = new Set(program.options.filter((o) => o.required || o.optional).flatMap((o) => [o.long, o.short]));
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') return undefined;
    if (!arg.startsWith('-')) return Object.hasOwn(commandModules, arg) ? arg : undefined;
    if (takingValue.has(arg)) i++;
  }
  return undefined;
}

/**
 * The `ds` command: global options, then the commands `args` (the words after `ds`)
 * need — the one they name, none for a bare `--version`, else every command (for help
 * and for the one-line errors naming them). No `args`: the whole tree.
 */
export async function buildProgram(args?: readonly string[]): Promise<Command> {
  const program = new Command('ds')
    .description('dotscience: version everything a data-science run touches')
    .option('--store <url>', 'event store: file:<dir>, http(s)://<hub>, kurrentdb://<host:port> (default: .dotscience found walking up)')
    .option('--data <url>', 'data store: file:<dir>, zfs:<pool>/<dataset>, http(s)://<hub>')
    .option('--project <id>', 'project id (default: from the config file, else "default")')
    .version(version, '-V, --version', 'print the version of ds')
    .exitOverride();
  const named = args === undefined ? undefined : invokedCommand(program, args);
  const versionOnly = args !== undefined && named === undefined && args.length > 0 && args.every((a) => a === '-V' || a === '--version');
  const chosen = named !== undefined ? [commandModules[named]!] : versionOnly ? [] : [...new Set(Object.values(commandModules))];
  for (const register of await Promise.all(chosen.map((load) => load()))) register(program);
  failInOneLine(program);
  return program;
}
