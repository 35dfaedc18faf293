import type { SignedReceipt, UnsignedReceipt } from '../audit/signed-receipt.js';

/**
 * Signs receipts (audit/signed-receipt.ts) with one key, whose public half every receipt
 * carries: `receiptSignatureHolds` checks them. What `ds audit anchor` prints and what a
 * hub gives for each accepted append. The `receiptSignerContract` suite in
 * `@dotscience/core/testing` checks every implementation.
 */
export interface ReceiptSigner {
  /** The public key, SPKI DER in base64, as receipts carry it. */
  readonly publicKey: string;
  sign(receipt: UnsignedReceipt): SignedReceipt;
}

export const ReceiptSigner = Symbol.for('dotscience.ReceiptSigner');
