export { KeyFileReceiptSigner } from './receipt-signer.js';
export { FsReceiptLedger, LedgerLineSchema, receiptsOfStream, type LedgerLine } from './receipt-ledger.js';
