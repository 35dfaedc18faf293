export * from './event-store.js';
export * from './data-store.js';
export * from './clock.js';
export * from './id-generator.js';
export * from './code-inspector.js';
export * from './environment.js';
export * from './checkpoint-store.js';
export * from './read-model.js';
