export * from './manifest.js';
export * from './name-encoding.js';
export * from './tree-scan.js';
export * from './manifest-builder.js';
export * from './file-system-tree.js';
export * from './restored-mode.js';
export * from './version-files.js';
