export * from './path-routed-data-store.js';
