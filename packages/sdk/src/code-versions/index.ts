export * from './patch-recording-code-inspector.js';
export * from './uncommitted-change-digest.js';
export * from './code-version-at-start.js';
export * from './script-snapshot-code-inspector.js';
