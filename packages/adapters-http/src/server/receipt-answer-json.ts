import type { SignedReceipt } from '@dotscience/core';

/**
 * The JSON text of an append's answer with its receipt — exactly
 * `JSON.stringify({ ...answer, receipt: { ...head, append } })` — built from the text of the
 * signed head, which is serialized once per head: the appends one group commit answers
 * share their head, so each answer serializes only what is its own (the answer and what its
 * append added), not the head's signature, key and log hash again (D163).
 *
 * `answerJson` is `JSON.stringify(answer)` of an object with at least one field and no
 * `receipt`; `headJson` is `JSON.stringify(head)` of a signed head (no `append`).
 */
export function answerWithReceiptJson(answerJson: string, headJson: string, append: NonNullable<SignedReceipt['append']>): string {
  return `${answerJson.slice(0, -1)},"receipt":${headJson.slice(0, -1)},"append":${JSON.stringify(append)}}}`;
}
