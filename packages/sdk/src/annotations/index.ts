export { AnnotationWriteError } from './write-backlog.js';
export { StoreLease, StoreLockTimeoutError, StoreNotOwnedError, type StoreLeaseOptions } from './store-lease.js';
export * from './dotscience-client.js';
export * from './default-client.js';
export { OpenRunNotes, storeKey } from './open-run-notes.js';
