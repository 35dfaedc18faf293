export * from './configuration-errors.js';
export * from './storage-locations.js';
export * from './resolve-configuration.js';
export * from './store-git-ignore.js';
export * from './code-inspection-settings.js';
export * from './configuration-settings.js';
