import { GENESIS_HASH, type RecordedEvent } from '@dotscience/core';

/**
 * What one store instance knows of a stream it appends to: every event id with
 * its revision, and the head (revision, hash, position). Events are immutable and
 * dotscience streams only grow, so the ledger is brought up to date by reading
 * the events after its head before every append (usually none); the ids are what
 * recognises an idempotent retry anywhere in the stream, as the core's rule asks.
 */
export class StreamLedger {
  constructor(
    /** The store-wide map of ids it has seen recorded (id → stream and revision), kept up to date by `extend`. */
    private readonly seen: Map<string, { stream: string; revision: number }>,
  ) {}

  head = -1;
  headHash = GENESIS_HASH;
  headPosition = -1;
  private readonly ids = new Map<string, number>();

  /** Take events read after the head, in revision order. */
  extend(events: readonly RecordedEvent[]): void {
    for (const e of events) {
      if (e.revision !== this.head + 1) {
        throw new Error(`stream ${e.stream}: read revision ${e.revision} after ${this.head} — the stream was truncated or deleted on the server`);
      }
      this.ids.set(e.id, e.revision);
      this.seen.set(e.id, { stream: e.stream, revision: e.revision });
      this.head = e.revision;
      this.headHash = e.hash;
      this.headPosition = e.position;
    }
  }

  revisionOf(id: string): number | undefined {
    return this.ids.get(id);
  }
}
