import { LogChain, type LogHead } from './log-chain.js';

/**
 * What a store wrote down about its log as it grew (the fs store: `anchors.log`), one
 * entry per line in the order written:
 * - a head after a commit: the log held `count` records and L(count) was `logHash`;
 *   `recovered` when it was computed from the log on open rather than at append time
 *   (a crash lost the line, or the store predates anchors): it vouches for nothing before it;
 * - a block: B(index) (see log-chain.ts), so a writer resumes without rereading the log.
 */
export type AnchorEntry =
  { kind: 'head'; line: number; count: number; logHash: string; recovered: boolean } | { kind: 'block'; line: number; index: number; blockHash: string };

export type AnchorBreakReason = 'log-hash-mismatch' | 'block-mismatch' | 'log-shorter' | 'anchors-go-back' | 'index-snapshot-longer';

/** The first place where the log is not what its anchors say. */
export interface AnchorBreak {
  reason: AnchorBreakReason;
  /** The anchor line that does not hold (0: the stream-index snapshot). */
  line: number;
  /** The records between these positions (inclusive) are where the log changed; `to` -1 when unknown. */
  from: number;
  to: number;
  message: string;
}

export interface AnchorReport {
  /** Anchor lines read. */
  anchors: number;
  /** Records covered by the last anchor that held (written at append time or recovered). */
  verifiedRecords: number;
  /** Records after it (appended since the last anchor line: a crash before it was written). */
  unanchoredRecords: number;
  /** Records that only a recovered anchor covers (anchored on open, not as they were appended). */
  recoveredRecords: number;
  head: LogHead;
  break?: AnchorBreak;
}

/**
 * Recomputes the log chain over a store's records, in log order, and holds it against the
 * anchors the store wrote as it grew: every head line must equal L(count) at its count, every
 * block line B(index), and head counts never go back. Names the first anchor that does not
 * hold, with the positions between the last anchor that held and it: editing or re-chaining a
 * record, removing a whole stream, or cutting the log back all break it.
 */
export class AnchorVerifier {
  private readonly chain = new LogChain();
  private readonly heads: Array<Extract<AnchorEntry, { kind: 'head' }>>;
  private readonly blocks = new Map<number, Extract<AnchorEntry, { kind: 'block' }>>();
  private next = 0;
  private verified = { count: 0, position: -1 };
  private recoveredUpTo = 0;
  private broken: AnchorBreak | undefined;

  constructor(private readonly entries: readonly AnchorEntry[]) {
    this.heads = entries.filter((e): e is Extract<AnchorEntry, { kind: 'head' }> => e.kind === 'head');
    for (const e of entries) if (e.kind === 'block' && !this.blocks.has(e.index)) this.blocks.set(e.index, e);
  }

  /** Take in the next record of the log; answers the first break, once found. */
  check(record: { hash: string; position: number }): AnchorBreak | undefined {
    if (this.broken) return this.broken;
    if (this.chain.count === 0 && this.matchHeads(-1)) return this.broken;
    const completed = this.chain.add(record.hash, record.position);
    if (completed) {
      const expected = this.blocks.get(completed.index);
      if (expected && expected.blockHash !== completed.blockHash) {
        return this.breakAt(
          'block-mismatch',
          expected.line,
          record.position,
          `block ${completed.index} of the log hashes to ${completed.blockHash}, the anchors say ${expected.blockHash}`,
        );
      }
    }
    return this.matchHeads(record.position);
  }

  /**
   * After the last record: anchors past the end of the log mean records were removed from
   * it, and so does a stream-index snapshot (`indexSnapshotCount`) that held more records.
   */
  finish(indexSnapshotCount?: number): AnchorReport {
    if (!this.broken && this.chain.count === 0) this.matchHeads(-1);
    if (!this.broken) {
      const ahead = this.heads[this.next];
      if (ahead) {
        this.breakAt(
          'log-shorter',
          ahead.line,
          -1,
          `the anchors say the log held ${ahead.count} records; it holds ${this.chain.count}: records after position ${this.chain.head().position} were removed (the log was truncated)`,
        );
      } else if (indexSnapshotCount !== undefined && indexSnapshotCount > this.chain.count) {
        this.breakAt(
          'index-snapshot-longer',
          0,
          -1,
          `the stream-index snapshot recorded ${indexSnapshotCount} records; the log holds ${this.chain.count}: records after position ${this.chain.head().position} were removed`,
        );
      }
    }
    const head = this.chain.head();
    return {
      anchors: this.entries.length,
      verifiedRecords: this.verified.count,
      unanchoredRecords: head.count - this.verified.count,
      recoveredRecords: this.recoveredUpTo,
      head,
      ...(this.broken ? { break: this.broken } : {}),
    };
  }

  private matchHeads(position: number): AnchorBreak | undefined {
    const count = this.chain.count;
    for (let anchor = this.heads[this.next]; anchor && anchor.count <= count; anchor = this.heads[this.next]) {
      if (anchor.count < count) {
        return this.breakAt(
          'anchors-go-back',
          anchor.line,
          position,
          `anchor line ${anchor.line} says the log held ${anchor.count} records after an earlier line said more: the log was cut back and written on`,
        );
      }
      const { logHash } = this.chain.head();
      if (anchor.logHash !== logHash) {
        const kind = anchor.recovered ? 'recovered anchor' : 'anchor';
        return this.breakAt(
          'log-hash-mismatch',
          anchor.line,
          position,
          `the first ${count} records hash to log hash ${logHash}, the ${kind} on line ${anchor.line} says ${anchor.logHash}: a record was changed, removed, inserted or re-chained`,
        );
      }
      if (anchor.recovered) this.recoveredUpTo = count;
      this.verified = { count, position };
      this.next++;
    }
    return undefined;
  }

  private breakAt(reason: AnchorBreakReason, line: number, to: number, message: string): AnchorBreak {
    this.broken = { reason, line, from: this.verified.position + 1, to, message };
    return this.broken;
  }
}

/** A store that keeps its log head up to date as it appends (the fs store opened to write): what a hub signs. */
export interface HeadKeepingLog {
  /** The head after the last committed append; undefined when the store does not keep it (opened read-only). */
  logHead(): LogHead | undefined;
}

export function isHeadKeepingLog(store: unknown): store is HeadKeepingLog {
  return typeof store === 'object' && store !== null && typeof (store as Partial<HeadKeepingLog>).logHead === 'function';
}

/** A store that keeps anchors of its log (the fs event store) can hand them out for verification. */
export interface AnchoredLog {
  /** Every anchor line written, in order (empty for a store that predates anchors and was never opened to write since). */
  readAnchors(): Promise<AnchorEntry[]>;
  /** How many records the persisted stream-index snapshot says the log held, if there is one. */
  indexSnapshotCount(): Promise<number | undefined>;
}

export function isAnchoredLog(store: unknown): store is AnchoredLog {
  const s = store as Partial<AnchoredLog> | null;
  return typeof s === 'object' && s !== null && typeof s.readAnchors === 'function' && typeof s.indexSnapshotCount === 'function';
}
