export { FsEventStore, LOCK_FILE, INDEX_SNAPSHOT_FILE, type FsEventStoreOptions, type FsEventStoreOpenReport } from './fs-event-store.js';
export type { WriterLockOptions } from './writer-lock.js';
export { CorruptLogError, WriterLockedError, DiskFullError, EventLogWriteError, EventStoreClosedError, ReadOnlyEventStoreError } from './event-store-errors.js';
export { writeFileAtomic } from './atomic-file.js';
export { thisProcess, holderIsAlive, type LockHolder } from './lock-holder.js';
