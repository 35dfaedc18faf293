export * from './configuration/index.js';
export * from './composition-root.js';
export * from './maintenance/index.js';
export * from './annotations/index.js';
export * from './data-routing/index.js';
export * from './code-versions/index.js';
export * from './hub/index.js';
export * from './progress/index.js';
