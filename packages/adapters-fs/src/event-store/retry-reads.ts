import type { RecordedEvent } from '@dotscience/core';

/**
 * The committed records one append read to learn whether it is a retry (core's RetryCandidate):
 * those of the revisions of its stream whose id print matches its first id, by position. They are
 * read without the append turn, and the append then looks again from the start, finding them here;
 * committed records never change, so they answer for their position while the stream index they
 * were read under is the store's (`under`). Kept for one append, so none is dropped before it looks
 * again, however many it needs.
 */
export class RetryReads {
  private index: object | undefined;
  private readonly byPosition = new Map<number, RecordedEvent>();

  /** These reads, or none if they were made under another stream index (the log was rebuilt since). */
  under(index: object): this {
    if (this.index !== index) {
      this.index = index;
      this.byPosition.clear();
    }
    return this;
  }

  get(position: number): RecordedEvent | undefined {
    return this.byPosition.get(position);
  }

  keep(event: RecordedEvent): void {
    this.byPosition.set(event.position, event);
  }
}
