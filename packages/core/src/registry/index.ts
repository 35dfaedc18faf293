export * from './registry-errors.js';
export * from './model-registry.js';
export * from './model-reference.js';
export * from './run-annotation.js';
export * from './registry-writes.js';
