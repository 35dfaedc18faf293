export * from './configuration/index.js';
export * from './composition-root.js';
