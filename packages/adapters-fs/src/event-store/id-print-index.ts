import type { EventTable } from './event-table.js';

/**
 * Global positions by event-id fingerprint: an open-addressing hash table over
 * the event table's `idPrint` column (4 bytes per slot, at most half full), so
 * spotting an idempotent retry costs O(1) instead of a scan of the whole stream.
 * It follows the table lazily: rows appended since the last query are added
 * on the next one, so neither commit nor recovery has to know about it.
 */
export class IdPrintIndex {
  /** position + 1 per slot; 0 is an empty slot. */
  private slots = new Uint32Array(1024);
  private added = 0;

  constructor(private readonly table: EventTable) {}

  /** Committed positions whose id fingerprint is `print` (any order; fingerprints collide, so check the id). */
  positionsWithPrint(print: number): number[] {
    this.catchUp();
    const mask = this.slots.length - 1;
    const found: number[] = [];
    for (let i = slotOf(print, mask); this.slots[i] !== 0; i = (i + 1) & mask) {
      const p = this.slots[i]! - 1;
      if (this.table.idPrint[p] === print) found.push(p);
    }
    return found;
  }

  private catchUp(): void {
    const count = this.table.count;
    if (this.added === count) return;
    if (count * 2 > this.slots.length) this.rehash(count);
    const mask = this.slots.length - 1;
    for (let p = this.added; p < count; p++) this.place(p, mask);
    this.added = count;
  }

  private rehash(count: number): void {
    let capacity = this.slots.length;
    while (count * 2 > capacity) capacity *= 2;
    this.slots = new Uint32Array(capacity);
    const mask = capacity - 1;
    for (let p = 0; p < this.added; p++) this.place(p, mask);
  }

  private place(position: number, mask: number): void {
    let i = slotOf(this.table.idPrint[position]!, mask);
    while (this.slots[i] !== 0) i = (i + 1) & mask;
    this.slots[i] = position + 1;
  }
}

/** Fibonacci hashing: spreads CRC fingerprints (already well mixed) over the table. */
function slotOf(print: number, mask: number): number {
  return (Math.imul(print, 0x9e3779b1) >>> 0) & mask;
}
