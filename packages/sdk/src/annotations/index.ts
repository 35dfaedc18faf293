export { AnnotationWriteError } from './write-backlog.js';
export { StoreLockTimeoutError, StoreNotOwnedError } from './store-lease.js';
export * from './dotscience-client.js';
export * from './default-client.js';
