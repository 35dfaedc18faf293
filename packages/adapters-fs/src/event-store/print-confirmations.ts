import type { RecordedEvent } from '@dotscience/core';

/** How many confirmed records are kept: more than a busy store's print matches of a few seconds. */
const KEPT = 4096;

/**
 * Committed records read to confirm an id print match, by position. An append whose id shares
 * its 32-bit print with a recorded event must read that event to learn whether the id is the
 * same; a store of millions of events meets such a match every few thousand appends. The read
 * is made without holding the append turn, and the append then looks again from the start,
 * finding the records here (D183): committed records never change, so they answer for their
 * position until the log is rebuilt (`clear`).
 */
export class PrintConfirmations {
  private readonly byPosition = new Map<number, RecordedEvent>();

  get(position: number): RecordedEvent | undefined {
    return this.byPosition.get(position);
  }

  keep(event: RecordedEvent): void {
    if (this.byPosition.size >= KEPT) this.byPosition.clear();
    this.byPosition.set(event.position, event);
  }

  clear(): void {
    this.byPosition.clear();
  }
}
