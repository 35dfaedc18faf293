export * from './patch-recording-code-inspector.js';
export * from './uncommitted-change-digest.js';
