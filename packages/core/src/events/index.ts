export * from './json.js';
export * from './canonical-json.js';
export * from './catalogue.js';
export * from './envelope.js';
export * from './streams.js';
export * from './hash-chain.js';
export * from './upcasting.js';
export * from './batch-canonical-fields.js';
