export { ReceiptSigner } from './receipt-signer.js';
export { ReceiptLedger, LedgerLineSchema, receiptsOfStream, type LedgerLine } from './receipt-ledger.js';
