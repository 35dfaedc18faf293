export { serveHub, serveLocalStore, hubTokens, type HubServeOptions, type ProjectPrepared, type RunningHubServer } from './hub-service.js';
export { pushToHub, pullFromHub, syncWithHub, type HubSyncOptions } from './hub-sync.js';
export { syncStores, SyncChainError, type SyncProgress, type SyncReport, type SyncSide } from './store-sync.js';
export { hubClientOptions } from './hub-client-options.js';
export { auditReceipts, type ReceiptAuditReport, type ReceiptFailure } from './receipt-audit.js';
export { readKeptReceipts, localFolderOf, signLocalHead, streamReceipts } from './kept-receipts.js';
