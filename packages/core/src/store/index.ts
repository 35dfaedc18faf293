export * from './append-rules.js';
