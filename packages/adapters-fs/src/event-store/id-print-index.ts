import type { EventTable } from './event-table.js';

/**
 * Global positions by event-id fingerprint: an open-addressing hash table (at most
 * half full) whose slots hold a position and its print side by side, so a lookup
 * touches one cache line. It covers every committed position and, on the writer,
 * the positions queued after them (`placeQueued`), so spotting an idempotent retry
 * or an id the store already holds costs O(1) per id instead of a scan. Committed
 * rows it has not seen (recovery, a reader taking in another process's appends)
 * are added from the event table on the next query, so neither has to know about it.
 * Fingerprints collide: a match must be confirmed by reading the event's id.
 */
export class IdPrintIndex {
  /** Two words per slot: position + 1 (0 = an empty slot), then the id print. */
  private slots = new Uint32Array(2 * 1024);
  /** Positions placed so far: 0 … placed - 1 (committed ones, then queued ones on the writer). */
  private placed = 0;

  constructor(private readonly table: EventTable) {}

  /** Positions whose id fingerprint is `print` (any order). */
  positionsWithPrint(print: number): number[] {
    const found: number[] = [];
    this.collect(print, found);
    return found;
  }

  /** Push onto `into` every position whose print is one of `prints`. */
  positionsWithAnyPrint(prints: Uint32Array, into: number[]): void {
    for (let i = 0; i < prints.length; i++) this.collect(prints[i]!, into);
  }

  /** Place the positions of an append queued for the next group commit, `firstPosition` onward (they follow every position placed). */
  placeQueued(firstPosition: number, prints: Uint32Array): void {
    this.catchUp();
    if (firstPosition !== this.placed) throw new Error(`internal: queuing position ${firstPosition} but the id prints reach ${this.placed}`);
    this.reserve(this.placed + prints.length);
    const mask = this.mask();
    for (let i = 0; i < prints.length; i++) this.place(firstPosition + i, prints[i]!, mask);
    this.placed += prints.length;
  }

  private collect(print: number, into: number[]): void {
    this.catchUp();
    const slots = this.slots;
    const mask = this.mask();
    for (let i = slotOf(print, mask); slots[2 * i] !== 0; i = (i + 1) & mask) {
      if (slots[2 * i + 1] === print) into.push(slots[2 * i]! - 1);
    }
  }

  private catchUp(): void {
    const count = this.table.count;
    if (this.placed >= count) return;
    this.reserve(count);
    const mask = this.mask();
    for (let p = this.placed; p < count; p++) this.place(p, this.table.idPrint[p]!, mask);
    this.placed = count;
  }

  /** Grow (and re-place every slot) so that `count` positions fill at most half the table. */
  private reserve(count: number): void {
    let capacity = this.slots.length / 2;
    if (count * 2 <= capacity) return;
    while (count * 2 > capacity) capacity *= 2;
    const old = this.slots;
    this.slots = new Uint32Array(2 * capacity);
    const mask = capacity - 1;
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0) this.place(old[i]! - 1, old[i + 1]!, mask);
  }

  private place(position: number, print: number, mask: number): void {
    const slots = this.slots;
    let i = slotOf(print, mask);
    while (slots[2 * i] !== 0) i = (i + 1) & mask;
    slots[2 * i] = position + 1;
    slots[2 * i + 1] = print;
  }

  private mask(): number {
    return this.slots.length / 2 - 1;
  }
}

/** True when two of `prints` are equal (an open-addressing set of indexes; only appends of two or more events can repeat). */
export function repeatsAPrint(prints: Uint32Array): boolean {
  if (prints.length < 2) return false;
  let capacity = 4;
  while (capacity < prints.length * 2) capacity *= 2;
  const mask = capacity - 1;
  const slots = new Int32Array(capacity).fill(-1);
  for (let i = 0; i < prints.length; i++) {
    const print = prints[i]!;
    let k = slotOf(print, mask);
    for (; slots[k] !== -1; k = (k + 1) & mask) if (prints[slots[k]!] === print) return true;
    slots[k] = i;
  }
  return false;
}

/** Fibonacci hashing: spreads CRC fingerprints (already well mixed) over the table. */
function slotOf(print: number, mask: number): number {
  return (Math.imul(print, 0x9e3779b1) >>> 0) & mask;
}
