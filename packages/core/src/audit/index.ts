export * from './log-chain.js';
export * from './anchor-verification.js';
export * from './signed-receipt.js';
