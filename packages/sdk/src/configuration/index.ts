export * from './configuration-errors.js';
export * from './storage-locations.js';
export * from './resolve-configuration.js';
