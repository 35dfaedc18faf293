import type { Command } from 'commander';
import { printJson, printText } from '../output/json-output.js';
import { renderTable } from '../output/text-table.js';
import { runReadModel } from '../runs/run-read-model.js';
import { withStoreForReading } from '../store-access.js';

interface ProjectSummary {
  project: string;
  runs: number;
  /** The project --project, DOTSCIENCE_PROJECT or the config file names (the one new runs are recorded in). */
  current: boolean;
}

/** `ds projects`: the projects the store's runs belong to, with how many runs each. */
export function registerProjectsCommand(program: Command): void {
  program
    .command('projects')
    .description('list the projects of the store with their run counts (scope other commands with --project or DOTSCIENCE_PROJECT)')
    .option('--json', 'print the projects as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withStoreForReading(command, async (ds) => {
        const counts = new Map<string, number>([[ds.configuration.projectId, 0]]);
        for (const [project, runs] of await (await runReadModel(ds)).runsPerProject()) counts.set(project, runs);
        const projects: ProjectSummary[] = [...counts]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([project, runs]) => ({ project, runs, current: project === ds.configuration.projectId }));
        if (options.json) return printJson(projects);
        printText(
          renderTable(
            ['PROJECT', 'RUNS', ''],
            projects.map((p) => [p.project, String(p.runs), p.current ? '(current)' : '']),
          ),
        );
      });
    });
}
