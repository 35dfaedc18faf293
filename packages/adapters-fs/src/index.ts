export * from './event-store/index.js';
export * from './checkpoint/index.js';
export * from './data-store/index.js';
export * from './workstation/index.js';
export * from './container-modules.js';
export * from './store-file-modes.js';
export * from './receipts/index.js';
