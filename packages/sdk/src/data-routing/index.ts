export * from './path-routed-data-store.js';
export { CaptureWrappingDataStore } from './capture-wrapping-data-store.js';
export * from './version-listing.js';
