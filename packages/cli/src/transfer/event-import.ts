import { DotscienceError, type EventStore } from '@dotscience/core';
import type { ProgressBar } from '../output/progress-bar.js';
import { planImport, type ImportedEvent } from './import-plan.js';

/** The store sealed an imported event with a different hash than it had: the stores hash differently. */
export class ImportHashMismatchError extends DotscienceError {
  readonly code = 'IMPORT_HASH_MISMATCH';
  constructor(
    readonly stream: string,
    readonly revision: number,
  ) {
    super(`stream ${stream} revision ${revision} got a different hash in this store than in the file — the stores disagree on the hash rule; stop and report this`);
  }
}

export interface ImportReport {
  events: number;
  streams: number;
  imported: number;
  alreadyPresent: number;
}

/** Consecutive events of one stream, appended in one call. */
function batches(items: readonly ImportedEvent[]): ImportedEvent[][] {
  const out: ImportedEvent[][] = [];
  for (const item of items) {
    const last = out[out.length - 1];
    if (last && last[0]!.event.stream === item.event.stream) last.push(item);
    else out.push([item]);
  }
  return out;
}

/**
 * Import the events of an NDJSON export that `parseExport` has checked: compare
 * them with the store first (planImport — a conflict writes nothing), then append
 * what the store lacks in the file's order, each stream at its recorded
 * revisions, so ids and hashes come out identical. Importing the same file
 * again adds nothing.
 */
export async function importEvents(events: EventStore, imported: readonly ImportedEvent[], source: string, progress?: ProgressBar): Promise<ImportReport> {
  const plan = await planImport(events, imported, source);
  let done = 0;
  for (const batch of batches(plan.toAppend)) {
    const stream = batch[0]!.event.stream;
    const head = plan.heads.get(stream) ?? -1;
    const result = await events.append(
      stream,
      batch.map(({ event: e }) => ({ id: e.id, type: e.type, schemaVersion: e.schemaVersion, data: e.data, meta: e.meta })),
      { expectedRevision: head === -1 ? 'no_stream' : head },
    );
    result.events.forEach((recorded, i) => {
      const wanted = batch[i]!.event;
      if (recorded.hash !== wanted.hash || recorded.revision !== wanted.revision) throw new ImportHashMismatchError(stream, wanted.revision);
    });
    plan.heads.set(stream, result.nextExpectedRevision);
    done += batch.length;
    progress?.update(done, plan.toAppend.length);
  }
  return { events: imported.length, streams: new Set(imported.map((i) => i.event.stream)).size, imported: plan.toAppend.length, alreadyPresent: plan.present };
}
