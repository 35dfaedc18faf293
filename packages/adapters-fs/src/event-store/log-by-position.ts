import type { RecordedEvent } from '@dotscience/core';
import { CorruptLogError } from './event-store-errors.js';
import { EventTable } from './event-table.js';
import { SnapshotRows } from './index-snapshot.js';
import { readRecords } from './record-reader.js';
import { scanForward, snapshotFits } from './log-recovery.js';
import { listSegments } from './segment-files.js';

/**
 * What a read-only open holds until a read asks for a stream (docs/decisions.md D146): where the
 * records are, by position, for the positions read so far and every one after — not which stream
 * each belongs to. A read command reads the log's tail after its read model's checkpoint, so it
 * reads the index snapshot's header and the few blocks of offsets it needs, not the whole index.
 */
export class LogByPosition {
  private placing: Promise<boolean> = Promise.resolve(true);

  private constructor(
    private readonly dir: string,
    readonly table: EventTable,
    private readonly rows: SnapshotRows,
  ) {}

  /**
   * Open the log at `dir` by position from its index snapshot, when the snapshot is of format 2,
   * covers the segments on disk as they are and its last record is the one it names (whole, at its
   * position, with its hash); then read the records after it. Undefined otherwise: the caller opens
   * the log in full (which rebuilds the index from the records when the snapshot is no good).
   */
  static async open(dir: string, snapshotPath: string): Promise<{ log: LogByPosition; tailSize: number } | undefined> {
    const rows = await SnapshotRows.open(snapshotPath);
    if (!rows) return undefined;
    try {
      const segments = await listSegments(dir);
      if (!(await snapshotFits(dir, rows.segments, rows.lastSegmentEnd, segments))) throw new NotThisLog();
      const table = new EventTable(0);
      table.segments.push(...rows.segments);
      table.count = rows.count;
      table.base = rows.count;
      const log = new LogByPosition(dir, table, rows);
      if (rows.count > 0 && !(await log.lastCoveredAgrees(rows.count - 1, rows.lastHash!))) throw new NotThisLog();
      // The header has no crc of its own: its count and hash were just checked against the record, its
      // segments against the disk; where the last segment ended must be where that record ends.
      if (table.lastSegmentEnd() !== rows.lastSegmentEnd) throw new NotThisLog();
      const tail = await scanForward(dir, log, segments, rows.lastSegmentEnd, 'reader');
      return { log, tailSize: tail.tailSize };
    } catch (error) {
      await rows.close();
      if (error instanceof NotThisLog) return undefined;
      throw error;
    }
  }

  get committedCount(): number {
    return this.table.count;
  }

  /** Take in a record read past the end (in position order): its place only. */
  commit(event: RecordedEvent, offset: number, length: number): void {
    if (event.position !== this.table.count) throw new Error(`internal: committing position ${event.position} but the log is at ${this.table.count}`);
    this.table.push(offset, length, 0, 0);
  }

  /**
   * Hold the places of every position from `position` on (read from the snapshot when older than
   * those held). False when a block of the snapshot does not match its crc: then the log must be
   * opened in full. One at a time.
   */
  placeFrom(position: number): Promise<boolean> {
    const placed = this.placing.then(async (held) => {
      const base = this.table.base;
      if (!held || position >= base) return held;
      const rows = await this.rows.rows(Math.max(0, position), base);
      if (!rows) return false;
      this.table.prepend(rows.first, rows.offset, rows.length);
      return true;
    });
    this.placing = placed.catch(() => false);
    return placed;
  }

  close(): Promise<void> {
    return this.rows.close();
  }

  private async lastCoveredAgrees(last: number, hash: string): Promise<boolean> {
    if (!(await this.placeFrom(last))) return false;
    try {
      for await (const event of readRecords(this.dir, this.table, [last])) return event.hash === hash;
      return false;
    } catch (error) {
      if (error instanceof CorruptLogError) return false;
      throw error;
    }
  }
}

class NotThisLog extends Error {}
