import type { Command } from 'commander';
import { ingestNotebook, type NotebookIngestReport } from '../notebook/notebook-ingest.js';
import { printJson, printText } from '../output/json-output.js';
import { withStoreForWriting } from '../store-access.js';

/** What `ds notebook ingest` exits with when a block could not be read or recorded (sysexits' EX_DATAERR, as ds run). */
export const UNREADABLE_BLOCK_EXIT_CODE = 65;

/** One line per notebook, then each block that could not be recorded. */
export function describeIngest(report: NotebookIngestReport): string[] {
  const runs = report.recorded.map((r) => `${r.runId} (cell ${r.cell})`).join(', ');
  const lines = [
    `${report.notebook}: recorded ${report.recorded.length} run(s)${runs ? `: ${runs}` : ''}; ${report.alreadyRecorded.length} already recorded` +
      (report.repeated.length ? `; ${report.repeated.length} printed again (recorded once)` : ''),
  ];
  for (const error of report.errors) lines.push(`  not recorded: ${error.message}`);
  return lines;
}

/** `ds notebook ingest <nb.ipynb>…`: record the runs saved notebooks printed (idempotent). */
export function registerNotebookCommand(program: Command): void {
  const notebook = program.command('notebook').description('record runs from Jupyter notebooks');
  notebook
    .command('ingest')
    .description('record the runs a saved notebook printed (run blocks in cell outputs); ingesting again records nothing new')
    .argument('<notebooks...>', '.ipynb files (nbformat 4)')
    .option('--json', 'print what was recorded as JSON')
    .action(async (paths: string[], options: { json?: boolean }, command: Command) => {
      const reports = await withStoreForWriting(command, async (ds) => {
        const done: NotebookIngestReport[] = [];
        for (const path of paths) {
          done.push(await ingestNotebook(ds, path, { projectId: ds.configuration.projectId, projectRoot: ds.configuration.projectRoot }));
        }
        return done;
      });
      if (options.json) printJson(reports);
      else printText(reports.flatMap(describeIngest).join('\n'));
      if (reports.some((r) => r.errors.length > 0)) process.exitCode = UNREADABLE_BLOCK_EXIT_CODE;
    });
}
