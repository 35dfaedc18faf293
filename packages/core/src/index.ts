export * from './events/index.js';
export * from './errors/index.js';
export * from './ports/index.js';
export * from './data/index.js';
export * from './run/index.js';
export * from './application/index.js';
export * from './projections/index.js';
export * from './query/index.js';
