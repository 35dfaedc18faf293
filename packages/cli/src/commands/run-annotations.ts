import type { Command } from 'commander';
import { annotateRun, registryWriter, type RunAnnotationCommand } from '@dotscience/sdk';
import { printText } from '../output/json-output.js';
import { resolveRun, runReadModel } from '../runs/run-read-model.js';
import { withStoreForWriting } from '../store-access.js';
import { UsageError } from '../usage-error.js';
import { tagArgument } from './tag-argument.js';

/** Record `changes` of the run `ref` names on its runmeta stream (its own sealed stream is untouched); says what was done. */
async function annotate(command: Command, ref: string, changes: RunAnnotationCommand[], done: (runId: string) => string): Promise<void> {
  await withStoreForWriting(command, async (ds) => {
    const { runId } = await resolveRun(await runReadModel(ds), ref);
    let recorded = 0;
    for (const change of changes) recorded += (await annotateRun(registryWriter(ds), runId, change)).length;
    printText(recorded === 0 ? `${done(runId)} already; nothing recorded` : done(runId));
  });
}

/** A command `name` that says something of one run (its first argument, `<run>`). */
function runAnnotationCommand(program: Command, name: string, description: string): Command {
  return program.command(name).description(description).argument('<run>', 'run id or a unique prefix of it');
}

/** `ds tag`, `ds note`, `ds archive`, `ds restore`, `ds delete`: what is said of a run after it was published. */
export function registerRunAnnotationCommands(program: Command): void {
  runAnnotationCommand(program, 'tag', 'set (key=value) or remove (key=) tags on a run, after the fact (its recorded events are not changed)')
    .argument('<tags...>', 'key=value pairs; key= removes the tag')
    .action(async (ref: string, tags: string[], _options: unknown, command: Command) => {
      const changes = tags.map((pair): RunAnnotationCommand => ({ kind: 'tag', ...tagArgument(pair) }));
      await annotate(command, ref, changes, (runId) => `run ${runId} tagged ${tags.join(' ')}`);
    });
  runAnnotationCommand(program, 'note', 'add a note to a run (kept with who wrote it and when)')
    .argument('<text>', 'the note')
    .action(async (ref: string, note: string, _options: unknown, command: Command) => {
      await annotate(command, ref, [{ kind: 'note', note }], (runId) => `note added to run ${runId}`);
    });
  runAnnotationCommand(program, 'archive', 'hide a run from ds runs (ds runs --archived shows it; ds restore brings it back)').action(
    async (ref: string, _options: unknown, command: Command) => {
      await annotate(command, ref, [{ kind: 'archive' }], (runId) => `run ${runId} archived`);
    },
  );
  runAnnotationCommand(program, 'restore', 'bring an archived run back into ds runs').action(async (ref: string, _options: unknown, command: Command) => {
    await annotate(command, ref, [{ kind: 'restore' }], (runId) => `run ${runId} restored`);
  });
  runAnnotationCommand(program, 'delete', 'delete a run: hidden everywhere, and ds gc may drop data no other run uses; who deleted it and why are kept')
    .option('--reason <text>', 'why it is deleted (kept in the audit trail; required)')
    .action(async (ref: string, options: { reason?: string }, command: Command) => {
      if (options.reason === undefined || options.reason.trim() === '')
        throw new UsageError(`ds delete needs --reason <text>: why run ${ref} is deleted (the audit trail keeps it)`);
      await annotate(command, ref, [{ kind: 'delete', reason: options.reason }], (runId) => `run ${runId} deleted; ds gc drops the data no other run uses`);
    });
}
