export * from './run-state.js';
export * from './run-errors.js';
export * from './run-commands.js';
export * from './evolve.js';
export * from './decide.js';
export * from './metric-batch-points.js';
