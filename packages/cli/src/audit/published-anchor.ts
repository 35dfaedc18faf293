import { readFileSync } from 'node:fs';
import { LogChain, parseInput, receiptSignatureHolds, SignedReceiptSchema, type RecordedEvent, type SignedReceipt } from '@dotscience/sdk';

export interface PublishedAnchorVerdict {
  file: string;
  count: number;
  logHash: string;
  holds: boolean;
  message: string;
}

/**
 * A head published with `ds audit anchor` held against this log: its signature must verify
 * and the log's first `count` records must hash to its log hash (so nothing up to it was
 * rewritten, removed or re-chained since, and the log was not cut back before it).
 */
export class PublishedAnchorCheck {
  private readonly chain = new LogChain();
  private logHashAtCount: string | undefined;

  private constructor(
    private readonly file: string,
    private readonly anchor: SignedReceipt,
  ) {
    if (anchor.head.count === 0) this.logHashAtCount = this.chain.head().logHash;
  }

  /** The anchor in `file` (JSON as `ds audit anchor` prints it); a typed error naming the field when it is not one. */
  static fromFile(file: string): PublishedAnchorCheck {
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      value = { unreadable: error instanceof Error ? error.message : String(error) };
    }
    return new PublishedAnchorCheck(file, parseInput(SignedReceiptSchema, value, `anchor file ${file}`));
  }

  check(event: RecordedEvent): void {
    if (this.chain.count >= this.anchor.head.count) return;
    this.chain.add(event.hash, event.position);
    if (this.chain.count === this.anchor.head.count) this.logHashAtCount = this.chain.head().logHash;
  }

  verdict(): PublishedAnchorVerdict {
    const { count, logHash } = this.anchor.head;
    const base = { file: this.file, count, logHash };
    if (!receiptSignatureHolds(this.anchor)) return { ...base, holds: false, message: 'its signature does not hold: the anchor was altered' };
    if (this.logHashAtCount === undefined)
      return { ...base, holds: false, message: `it vouches for ${count} records; the log holds ${this.chain.count}: records were removed since` };
    if (this.logHashAtCount !== logHash)
      return {
        ...base,
        holds: false,
        message: `the log's first ${count} records hash to ${this.logHashAtCount}, the anchor says ${logHash}: records were rewritten, removed or re-chained since`,
      };
    return { ...base, holds: true, message: `the log's first ${count} records are those it was signed over` };
  }
}
