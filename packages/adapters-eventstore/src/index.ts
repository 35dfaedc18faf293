export * from './eventstoredb-event-store.js';
export * from './container-module.js';
export * from './envelope-metadata.js';
export * from './positions.js';
export * from './revisions.js';
export * from './server-errors.js';
export * from './stream-names.js';
