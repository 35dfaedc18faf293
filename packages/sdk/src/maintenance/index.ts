export * from './maintenance-errors.js';
export * from './referenced-versions.js';
export * from './data-maintenance.js';
export * from './referenced-data-presence.js';
export * from './project-initialization.js';
