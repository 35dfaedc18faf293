export * from './progress-bar.js';
export { byteSize } from './data-size-text.js';
export * from './capture-progress.js';
