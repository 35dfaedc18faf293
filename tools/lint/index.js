// Re-exported for the root eslint.config.js, resolved from this package (see package.json).
export { default as js } from '@eslint/js';
export { default as tseslint } from 'typescript-eslint';
export { importX, createNodeResolver } from 'eslint-plugin-import-x';
export { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
export { default as globals } from 'globals';
