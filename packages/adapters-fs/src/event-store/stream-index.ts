import { crc32 } from 'node:zlib';
import { GENESIS_HASH, type RecordedEvent } from '@dotscience/core';
import { EventTable } from './event-table.js';
import { IdPrintIndex, repeatsAPrint } from './id-print-index.js';

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

/** The id fingerprint of each event, in order. */
export function idPrints(events: ReadonlyArray<{ id: string }>): Uint32Array {
  const prints = new Uint32Array(events.length);
  for (let i = 0; i < events.length; i++) prints[i] = crc32(events[i]!.id);
  return prints;
}

/**
 * What the id prints of an append match: positions (committed or queued) holding an id
 * with one of its prints, and whether two of its own events share a print. Nothing
 * matched means none of its ids is recorded or repeated (equal ids have equal prints);
 * a match may be a fingerprint collision and is confirmed by reading the id.
 */
export interface PrintMatches {
  positions: number[];
  withinAppend: boolean;
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
    this.commitAppend([event], offset, [length], [idPrint(event.id)]);
  }

  /** Queue an append's sealed events (one stream, positions following every queued one) for the next group commit. */
  queue(stream: string, events: readonly RecordedEvent[], prints: Uint32Array): void {
    const pending = this.ensureStream(stream).pending;
    for (const e of events) pending.push(e);
    if (events.length > 0) this.printIndex().placeQueued(events[0]!.position, prints);
  }

  /**
   * Record the committed events of one append (one stream, in position order), whose
   * frames start at `offset`; `prints` are their id prints (computed when they were appended).
   */
  commitAppend(events: readonly RecordedEvent[], offset: number, lengths: readonly number[], prints: ArrayLike<number>): void {
    const first = events[0];
    if (!first) return;
    const s = this.ensureStream(first.stream);
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      if (event.position !== this.table.count) {
        throw new Error(`internal: committing position ${event.position} but the index is at ${this.table.count}`);
      }
      this.table.push(offset, lengths[i]!, s.id, prints[i]!);
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
    this.prints = undefined; // it placed the dropped positions: rebuilt from the committed ones when next asked
  }

  /** The positions, committed or queued, whose id prints match an append's (see PrintMatches). */
  printMatches(prints: Uint32Array): PrintMatches {
    const positions: number[] = [];
    this.printIndex().positionsWithAnyPrint(prints, positions);
    return { positions, withinAppend: repeatsAPrint(prints) };
  }

  /** The queued (not yet durable) event at a global position, if any. */
  pendingAt(position: number): RecordedEvent | undefined {
    if (position < this.committedCount) return undefined;
    for (const s of this.streams.values()) {
      const first = s.pending[0];
      if (first === undefined || position < first.position) continue;
      const e = s.pending.find((p) => p.position === position);
      if (e) return e;
    }
    return undefined;
  }

  /** Revisions (committed, newest first) whose event-id fingerprint matches `id`. */
  committedRevisionsWithId(stream: string, id: string): number[] {
    const s = this.streams.get(stream);
    if (!s) return [];
    const revisions: number[] = [];
    const committed = this.committedCount;
    for (const p of this.printIndex().positionsWithPrint(idPrint(id))) {
      if (p >= committed || this.table.streamOf[p] !== s.id) continue;
      const r = revisionOf(s.positions, p);
      if (r !== -1) revisions.push(r);
    }
    return revisions.sort((a, b) => b - a);
  }

  private printIndex(): IdPrintIndex {
    return (this.prints ??= new IdPrintIndex(this.table));
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
