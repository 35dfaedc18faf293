import { crc32 } from 'node:zlib';
import { GENESIS_HASH, type RecordedEvent } from '@dotscience/core';
import { EventTable } from './event-table.js';
import { IdPrintIndex } from './id-print-index.js';

/** One stream: committed positions in revision order, its committed head hash, and events queued but not yet durable. */
export interface StreamEntry {
  id: number;
  name: string;
  positions: number[];
  committedHash: string;
  pending: RecordedEvent[];
}

export function idPrint(id: string): number {
  return crc32(id);
}

/**
 * stream → positions, plus the table of where every record is. Only committed
 * (durable) events are in `positions` and the table; events queued for the next
 * group commit sit in each stream's `pending` so later appends chain onto them.
 */
export class StreamIndex {
  readonly streams = new Map<string, StreamEntry>();
  readonly streamNames: string[] = [];
  private prints: IdPrintIndex | undefined;

  constructor(readonly table: EventTable = new EventTable()) {}

  get committedCount(): number {
    return this.table.count;
  }

  stream(name: string): StreamEntry | undefined {
    return this.streams.get(name);
  }

  ensureStream(name: string): StreamEntry {
    let s = this.streams.get(name);
    if (!s) {
      s = { id: this.streamNames.length, name, positions: [], committedHash: GENESIS_HASH, pending: [] };
      this.streams.set(name, s);
      this.streamNames.push(name);
    }
    return s;
  }

  /** Head revision and hash including pending events (-1 / GENESIS_HASH when empty). */
  head(name: string): { revision: number; hash: string } {
    const s = this.streams.get(name);
    if (!s) return { revision: -1, hash: GENESIS_HASH };
    const lastPending = s.pending[s.pending.length - 1];
    return { revision: s.positions.length + s.pending.length - 1, hash: lastPending?.hash ?? s.committedHash };
  }

  /** Record a committed event read back from the log (in position order). */
  commit(event: RecordedEvent, offset: number, length: number): void {
    this.commitAppend([event], offset, [length]);
  }

  /** Record the committed events of one append (one stream, in position order), whose frames start at `offset`. */
  commitAppend(events: readonly RecordedEvent[], offset: number, lengths: readonly number[]): void {
    const first = events[0];
    if (!first) return;
    const s = this.ensureStream(first.stream);
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      if (event.position !== this.table.count) {
        throw new Error(`internal: committing position ${event.position} but the index is at ${this.table.count}`);
      }
      this.table.push(offset, lengths[i]!, s.id, idPrint(event.id));
      offset += lengths[i]!;
      s.positions.push(event.position);
    }
    s.committedHash = events[events.length - 1]!.hash;
    // The pending queue holds this stream's appends in order; this one is at its front.
    if (s.pending[0]?.id === first.id) s.pending.splice(0, events.length);
  }

  /** Drop every pending event (after a failed write). */
  dropPending(): void {
    for (const s of this.streams.values()) s.pending.length = 0;
  }

  /** Revisions (committed, newest first) whose event-id fingerprint matches `id`. */
  committedRevisionsWithId(stream: string, id: string): number[] {
    const s = this.streams.get(stream);
    if (!s) return [];
    this.prints ??= new IdPrintIndex(this.table);
    const revisions: number[] = [];
    for (const p of this.prints.positionsWithPrint(idPrint(id))) {
      if (this.table.streamOf[p] !== s.id) continue;
      const r = revisionOf(s.positions, p);
      if (r !== -1) revisions.push(r);
    }
    return revisions.sort((a, b) => b - a);
  }
}

/** Index of `position` in a stream's ascending positions, or -1. */
function revisionOf(positions: readonly number[], position: number): number {
  let lo = 0;
  let hi = positions.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const p = positions[mid]!;
    if (p === position) return mid;
    if (p < position) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
