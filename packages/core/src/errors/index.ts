export * from './store-errors.js';
export * from './parse-input.js';
export * from './data-errors.js';
