import { randomFillSync } from 'node:crypto';
import type { IdGenerator } from '@dotscience/core';

export interface RandomIdGeneratorOptions {
  /** Source of milliseconds since the epoch for the id's time field; default `Date.now`. */
  readonly now?: () => number;
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
const ID_BYTES = 16;
const POOL_IDS = 256;
const MAX_COUNTER = 0xfff;
/** A fresh millisecond starts its counter in the lower half, leaving at least 2048 ids of room. */
const COUNTER_SEED_MASK = 0x7ff;

/**
 * UUID version 7 (RFC 9562): 48-bit Unix milliseconds, then randomness from node:crypto.
 * Ids of one generator sort in creation order, as strings and as bytes: within one
 * millisecond the 12-bit `rand_a` field is a counter (RFC 9562 §6.2, method 1) seeded at
 * random; when it runs out, or the clock steps back, the time field runs ahead of the
 * clock by the least needed.
 */
export class RandomIdGenerator implements IdGenerator {
  private readonly now: () => number;
  private readonly pool = Buffer.alloc(ID_BYTES * POOL_IDS);
  private poolOffset = this.pool.length;
  private lastMs = -1;
  private counter = 0;

  constructor(options: RandomIdGeneratorOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  newId(): string {
    const random = this.randomBytes();
    const wall = Math.floor(this.now());
    if (wall > this.lastMs) {
      this.lastMs = wall;
      this.counter = ((random[0]! << 8) | random[1]!) & COUNTER_SEED_MASK;
    } else if (++this.counter > MAX_COUNTER) {
      this.lastMs += 1;
      this.counter = ((random[0]! << 8) | random[1]!) & COUNTER_SEED_MASK;
    }
    const bytes = random; // bytes 9..15 keep their random value (rand_b)
    let ms = this.lastMs;
    for (let i = 5; i >= 0; i--) {
      bytes[i] = ms % 256;
      ms = Math.floor(ms / 256);
    }
    bytes[6] = 0x70 | (this.counter >> 8);
    bytes[7] = this.counter & 0xff;
    bytes[8] = 0x80 | (bytes[8]! & 0x3f);
    return format(bytes);
  }

  private randomBytes(): Buffer {
    if (this.poolOffset >= this.pool.length) {
      randomFillSync(this.pool);
      this.poolOffset = 0;
    }
    const bytes = Buffer.from(this.pool.subarray(this.poolOffset, this.poolOffset + ID_BYTES));
    this.poolOffset += ID_BYTES;
    return bytes;
  }
}

function format(b: Buffer): string {
  const h = (i: number): string => HEX[b[i]!]!;
  return h(0) + h(1) + h(2) + h(3) + '-' + h(4) + h(5) + '-' + h(6) + h(7) + '-' + h(8) + h(9) + '-' + h(10) + h(11) + h(12) + h(13) + h(14) + h(15);
}
