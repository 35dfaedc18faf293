import type { SignedReceipt } from '@dotscience/core';

/**
 * The JSON text of an append's receipt — exactly `JSON.stringify({ ...head, append })` —
 * built from the text of the signed head, which is serialized once per head: the appends one
 * group commit answers share their head, so each receipt serializes only what its append
 * added, not the head's signature, key and log hash again (D163). `headJson` is
 * `JSON.stringify(head)` of a signed head (no `append`).
 */
export function receiptJson(headJson: string, append: NonNullable<SignedReceipt['append']>): string {
  return `${headJson.slice(0, -1)},"append":${JSON.stringify(append)}}`;
}

/**
 * The JSON text of an append's answer with its receipt — exactly `JSON.stringify({ ...answer, receipt })`
 * for the receipt whose text is `receiptJson` — where `answerJson` is `JSON.stringify(answer)` of an
 * object with at least one field and no `receipt`.
 */
export function answerWithReceiptJson(answerJson: string, receiptJson: string): string {
  return `${answerJson.slice(0, -1)},"receipt":${receiptJson}}`;
}
