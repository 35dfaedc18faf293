import { receiptSignatureHolds, SignedReceiptSchema, type AppendResult, type SignedReceipt } from '@dotscience/core';

/**
 * The hub's signed receipt in an append's answer, when there is one that holds: its
 * signature verifies and it names this append (stream, revisions, last hash) and a head
 * that covers it. Anything else is not kept (an older hub sends none).
 */
export function receiptOfAnswer(answer: unknown, stream: string, result: AppendResult): SignedReceipt | undefined {
  const parsed = SignedReceiptSchema.safeParse((answer as { receipt?: unknown } | null)?.receipt);
  if (!parsed.success) return undefined;
  const receipt = parsed.data;
  const first = result.events[0];
  const last = result.events.at(-1);
  const append = receipt.append;
  if (!first || !last || !append) return undefined;
  const names = append.stream === stream && append.fromRevision === first.revision && append.toRevision === last.revision && append.lastHash === last.hash;
  if (!names || receipt.head.count <= last.position || !receiptSignatureHolds(receipt)) return undefined;
  return receipt;
}
