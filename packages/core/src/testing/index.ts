export * from './in-memory-event-store.js';
export * from './in-memory-checkpoint-store.js';
export * from './given-when-then.js';
export * from './data-workspace.js';
export * from './data-store-contract.js';
export * from './event-store-contract.js';
export * from './workstation-contracts.js';
export * from './parsed-shape.js';
