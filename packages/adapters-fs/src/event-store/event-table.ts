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
    if (this.count === this.offset.length) this.grow();
    const p = this.count++;
    this.offset[p] = offset;
    this.length[p] = length;
    this.streamOf[p] = stream;
    this.idPrint[p] = idPrint;
    return p;
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
    return this.offset[this.count - 1]! + this.length[this.count - 1]!;
  }

  columns(): { offset: Uint32Array; length: Uint32Array; streamOf: Uint32Array; idPrint: Uint32Array } {
    return {
      offset: this.offset.subarray(0, this.count),
      length: this.length.subarray(0, this.count),
      streamOf: this.streamOf.subarray(0, this.count),
      idPrint: this.idPrint.subarray(0, this.count),
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
