import { AppendGate, AppendRefusedError, atHead, DotscienceError, type EventStore, type NewEvent, type PendingStreams } from '@dotscience/sdk';
import type { ProgressBar } from '../output/progress-bar.js';
import { ImportRefusedError } from './import-errors.js';
import { planImport, type ImportedEvent } from './import-plan.js';

/** The store sealed an imported event with a different hash than it had: the stores hash differently. */
export class ImportHashMismatchError extends DotscienceError {
  readonly code = 'IMPORT_HASH_MISMATCH';
  constructor(
    readonly stream: string,
    readonly revision: number,
  ) {
    super(
      `stream ${stream} revision ${revision} got a different hash in this store than in the file — the stores disagree on the hash rule; stop and report this`,
    );
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

const envelopeOf = ({ event: e }: ImportedEvent): NewEvent => ({ id: e.id, type: e.type, schemaVersion: e.schemaVersion, data: e.data, meta: e.meta });

/**
 * Every batch through the append gate (the catalogue and each stream's rules, folded
 * from what the store holds and what the file adds before it), before anything is
 * written: the first event it refuses is an ImportRefusedError naming its line.
 */
async function checkImport(events: EventStore, toAppend: readonly ImportedEvent[][], source: string): Promise<void> {
  const gate = new AppendGate(events);
  const pending: PendingStreams = new Map();
  for (const batch of toAppend) {
    const stream = batch[0]!.event.stream;
    try {
      const admitted = await gate.check(stream, batch.map(envelopeOf), pending);
      pending.set(stream, atHead(admitted, batch[batch.length - 1]!.event.hash));
    } catch (error) {
      if (!(error instanceof AppendRefusedError)) throw error;
      const refused = batch[error.index]!;
      throw new ImportRefusedError(source, refused.line, stream, refused.event.revision, error.rule, error.reason);
    }
  }
}

/**
 * Import the events of an NDJSON export that `parseExport` has checked: compare
 * them with the store first (planImport — a conflict writes nothing), pass every
 * event the store lacks through the append gate (a refusal writes nothing), then
 * append them in the file's order, each stream at its recorded revisions, so ids
 * and hashes come out identical. Importing the same file again adds nothing.
 */
export async function importEvents(events: EventStore, imported: readonly ImportedEvent[], source: string, progress?: ProgressBar): Promise<ImportReport> {
  const plan = await planImport(events, imported, source);
  const toAppend = batches(plan.toAppend);
  await checkImport(events, toAppend, source);
  let done = 0;
  for (const batch of toAppend) {
    const stream = batch[0]!.event.stream;
    const head = plan.heads.get(stream) ?? -1;
    const result = await events.append(stream, batch.map(envelopeOf), { expectedRevision: head === -1 ? 'no_stream' : head });
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
