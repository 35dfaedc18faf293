export { FsDataStore, type FsDataStoreOptions, type FsDataStoreStats } from './fs-data-store.js';
export { FsDataMaintenance } from './fs-data-maintenance.js';
export type { GcOptions, GcResult } from './garbage-collection.js';
export type { CorruptObject, VerifyResult } from './object-verification.js';
export {
  DataReadError,
  DataStoreFullError,
  DataVersionNotFoundError,
  MaterializeTargetExistsError,
  MissingDigestError,
  NonUtf8NameError,
  ObjectDigestMismatchError,
  SpecialFileError,
} from './data-store-errors.js';
