import type { SignedReceipt } from '../audit/signed-receipt.js';

/** A kept receipt, and the hub that signed it (absent in a hub's own ledger). */
export interface LedgerLine {
  hub?: string | undefined;
  receipt: SignedReceipt;
}

/**
 * Receipts kept per name (a hub project): a hub keeps one line per accepted append; a
 * client keeps the receipts a hub gave it for its pushes (`ds audit verify --receipts`,
 * `ds show`). Lines of a name read back in the order they were appended; a line that
 * cannot be read back (a torn last line after a crash) is skipped and counted. The
 * `receiptLedgerContract` suite in `@dotscience/core/testing` checks every implementation.
 */
export interface ReceiptLedger {
  /** Append lines to `name`'s receipts; resolves once they are written. */
  append(name: string, lines: readonly LedgerLine[]): Promise<void>;
  /**
   * Append lines given as their JSON text, each `JSON.stringify` of a LedgerLine: the same as
   * `append` of those lines, for a caller that holds them serialized already (a hub answers
   * each append with its receipt's JSON and keeps the same text).
   */
  appendJson(name: string, lineJsons: readonly string[]): Promise<void>;
  /** `name`'s lines in the order appended (none for a name never written), and how many could not be read. */
  read(name: string): Promise<{ lines: LedgerLine[]; unreadable: number }>;
  /**
   * `name`'s lines whose receipt is of an append to `stream`, in the order appended: what
   * `read` then a filter by `receipt.append.stream` answer, without reading every other
   * stream's lines again on each call (a hub's run page asks it of one run among 100k).
   */
  readStream(name: string, stream: string): Promise<LedgerLine[]>;
  /**
   * One page of `name`'s lines in the order appended: the lines numbered `from` to
   * `from + maxCount - 1` (from 0; a line that cannot be read back keeps its number and is
   * left out), and `next`, the number to ask from for the page after, when there are more
   * lines. What a hub answers a whole project's receipts with, a page at a time.
   */
  readPage(name: string, from: number, maxCount: number): Promise<{ lines: LedgerLine[]; next?: number }>;
  /** Every name that holds receipts, sorted. */
  names(): Promise<string[]>;
}

export const ReceiptLedger = Symbol.for('dotscience.ReceiptLedger');
