import { recordRunLeftOpen, type RunServices } from '@dotscience/core';
import type { Configuration } from '../configuration/resolve-configuration.js';
import { projectOfRuns } from '../hub/hub-project.js';
import { OpenRunNotes, storeKey } from './open-run-notes.js';
import { writerIdentity } from './writer-identity.js';

/**
 * Record the end of every run an SDK process noted as open and left so (it
 * exited through process.exit(), crashed or was killed before publishing):
 * its start when the store never got it, then RunErrored. Runs with the
 * stores open for writing, so every append takes the ordinary path. A note is
 * removed once what it needed is durable; one that fails stays for the next
 * writer. Returns the ids of the runs settled.
 */
export async function settleRunsLeftOpen(
  ds: RunServices & { readonly configuration: Configuration },
  log: (line: string) => void = (line) => void process.stderr.write(`${line}\n`),
): Promise<string[]> {
  const notes = new OpenRunNotes(ds.configuration.openRunsDirectory);
  let found: ReturnType<OpenRunNotes['leftByGoneProcesses']>;
  try {
    found = notes.leftByGoneProcesses(storeKey(ds.configuration.store));
  } catch (error) {
    log(`dotscience: could not read the open-run notes in ${notes.directory}: ${(error as Error).message}`);
    return [];
  }
  const { notes: left, unreadable } = found;
  for (const path of unreadable) log(`dotscience: ${path} is not an open-run note, so it was left alone — remove it once you know no run is missing`);
  const settled: string[] = [];
  for (const note of left) {
    try {
      const written = await recordRunLeftOpen(ds, note, note.projectId ?? (await projectOfRuns(ds)), writerIdentity(), note.process.pid);
      notes.remove(note.runId);
      settled.push(note.runId);
      for (const c of written) {
        if (c.kind === 'error') log(`dotscience: run ${note.runId} marked errored: ${c.message}`);
        if (c.kind === 'abandon') log(`dotscience: run ${note.runId} marked abandoned: ${c.reason}`);
      }
    } catch (error) {
      log(
        `dotscience: could not record the end of run ${note.runId}, left open by process ${note.process.pid}: ${(error as Error).message} (the next writer tries again)`,
      );
    }
  }
  return settled;
}
