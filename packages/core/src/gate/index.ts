export * from './gate-errors.js';
export * from './stream-rules.js';
export * from './run-stream-rules.js';
export * from './version-stream-rules.js';
export * from './append-gate.js';
export * from './gated-event-store.js';
export * from './stream-audit.js';
