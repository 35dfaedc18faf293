export * from './log-chain.js';
export * from './anchor-verification.js';
