import type { SegmentFile } from './segment-files.js';

/**
 * Where every committed record lives, one row per global position (positions are
 * dense ordinals 0, 1, 2 …): segment (found from the segments' first positions),
 * byte offset and frame length in it, the stream it belongs to and a 32-bit
 * fingerprint of its event id (for spotting idempotent retries without keeping
 * every id in memory). Columns are typed arrays: ~16 bytes per event.
 */
export class EventTable {
  count = 0;
  /**
   * The position of the first row held: 0 for every index a writer or a full open builds. A read-only
   * open by position (log-by-position.ts, docs/decisions.md D146) holds only the rows from some
   * position on, and adds older ones (`prepend`) when a read asks for them; row `p - base` is position p.
   */
  base = 0;
  offset: Uint32Array;
  length: Uint32Array;
  streamOf: Uint32Array;
  idPrint: Uint32Array;
  readonly segments: SegmentFile[] = [];

  constructor(capacity = 1024) {
    this.offset = new Uint32Array(capacity);
    this.length = new Uint32Array(capacity);
    this.streamOf = new Uint32Array(capacity);
    this.idPrint = new Uint32Array(capacity);
  }

  static fromColumns(
    count: number,
    segments: SegmentFile[],
    columns: { offset: Uint32Array; length: Uint32Array; streamOf: Uint32Array; idPrint: Uint32Array },
  ): EventTable {
    const table = new EventTable(0);
    Object.assign(table, columns, { count });
    table.segments.push(...segments);
    return table;
  }

  push(offset: number, length: number, stream: number, idPrint: number): number {
    const row = this.count - this.base;
    if (row === this.offset.length) this.grow();
    this.offset[row] = offset;
    this.length[row] = length;
    this.streamOf[row] = stream;
    this.idPrint[row] = idPrint;
    return this.count++;
  }

  /**
   * Hold the rows of positions `from` … `base - 1` too (their offsets and lengths; stream and id
   * print unknown, 0): a read-only open by position, asked for records older than it holds.
   */
  prepend(from: number, offset: Uint32Array, length: Uint32Array): void {
    const added = this.base - from;
    if (added <= 0) return;
    const held = this.count - this.base;
    const capacity = added + Math.max(held, 1024);
    const widened = (column: Uint32Array, before?: Uint32Array): Uint32Array => {
      const c = new Uint32Array(capacity);
      if (before) c.set(before.subarray(0, added));
      c.set(column.subarray(0, held), added);
      return c;
    };
    this.offset = widened(this.offset, offset);
    this.length = widened(this.length, length);
    this.streamOf = widened(this.streamOf);
    this.idPrint = widened(this.idPrint);
    this.base = from;
  }

  /** The segment holding `position` (binary search on first positions). */
  segmentOf(position: number): SegmentFile {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.segments[mid]!.firstPosition <= position) lo = mid;
      else hi = mid - 1;
    }
    return this.segments[lo]!;
  }

  get lastSegment(): SegmentFile | undefined {
    return this.segments[this.segments.length - 1];
  }

  /** Byte size of the last segment as far as committed records go. */
  lastSegmentEnd(): number {
    const last = this.lastSegment;
    if (!last || this.count === 0 || this.count - 1 < last.firstPosition) return 0;
    const row = this.count - 1 - this.base;
    return this.offset[row]! + this.length[row]!;
  }

  columns(): { offset: Uint32Array; length: Uint32Array; streamOf: Uint32Array; idPrint: Uint32Array } {
    const rows = this.count - this.base;
    return {
      offset: this.offset.subarray(0, rows),
      length: this.length.subarray(0, rows),
      streamOf: this.streamOf.subarray(0, rows),
      idPrint: this.idPrint.subarray(0, rows),
    };
  }

  private grow(): void {
    const cap = Math.max(1024, this.offset.length * 2);
    const grown = (a: Uint32Array): Uint32Array => {
      const b = new Uint32Array(cap);
      b.set(a);
      return b;
    };
    this.offset = grown(this.offset);
    this.length = grown(this.length);
    this.streamOf = grown(this.streamOf);
    this.idPrint = grown(this.idPrint);
  }
}
