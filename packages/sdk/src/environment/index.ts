export * from './manifest-recording-environment.js';
