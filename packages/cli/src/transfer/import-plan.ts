import { ChainVerifier, defaultUpcasters, parseInput, RecordedEventSchema, InvalidInputError, type EventStore, type RecordedEvent } from '@dotscience/sdk';
import { ImportChainError, ImportConflictError, ImportLineError } from './import-errors.js';

export interface ImportedEvent {
  line: number;
  event: RecordedEvent;
}

/**
 * Parse and check a whole NDJSON export before anything is written: each line
 * is a recorded event whose data matches the catalogue, and each stream's hash
 * chain holds from its first revision. The first bad line is an error naming it.
 */
export function parseExport(text: string, source: string): ImportedEvent[] {
  const parsed: ImportedEvent[] = [];
  const verifier = new ChainVerifier();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === '') continue;
    const line = i + 1;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      throw new ImportLineError(source, line, `not JSON (${(error as Error).message})`);
    }
    let event: RecordedEvent;
    try {
      event = parseInput(RecordedEventSchema, json, 'recorded event');
      defaultUpcasters.upcast(event);
    } catch (error) {
      const reason = error instanceof InvalidInputError ? error.message : (error as Error).message;
      throw new ImportLineError(source, line, reason);
    }
    const broken = verifier.check(event);
    if (broken) throw new ImportChainError(source, line, broken.stream, broken.revision, broken.message);
    parsed.push({ line, event });
  }
  return parsed;
}

export interface ImportPlan {
  /** Events the store does not have yet, in the file's order. */
  toAppend: ImportedEvent[];
  /** Events the store already holds (same id, same hash). */
  present: number;
  /** Per stream, the store's last revision before the import (-1: no stream). */
  heads: Map<string, number>;
}

/** Compare the file with what the store holds: already-present events are skipped, a different event at a revision is a conflict. */
export async function planImport(events: EventStore, imported: readonly ImportedEvent[], source: string): Promise<ImportPlan> {
  const byStream = new Map<string, ImportedEvent[]>();
  for (const item of imported) {
    const list = byStream.get(item.event.stream);
    if (list) list.push(item);
    else byStream.set(item.event.stream, [item]);
  }
  const heads = new Map<string, number>();
  const skip = new Set<ImportedEvent>();
  for (const [stream, items] of byStream) {
    let head = -1;
    for await (const existing of events.readStream(stream)) {
      head = existing.revision;
      const item = items[existing.revision];
      if (!item) continue;
      if (item.event.id !== existing.id || item.event.hash !== existing.hash) {
        throw new ImportConflictError(source, item.line, stream, existing.revision, existing.id, item.event.id);
      }
      skip.add(item);
    }
    heads.set(stream, head);
  }
  return { toAppend: imported.filter((item) => !skip.has(item)), present: skip.size, heads };
}
