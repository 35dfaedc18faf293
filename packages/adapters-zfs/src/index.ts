export * from './zfs-errors.js';
export * from './zfs-command.js';
export * from './zfs-datasets.js';
export * from './snapshot-version.js';
export * from './durability.js';
export * from './zfs-garbage-collection.js';
export * from './zfs-data-store.js';
export * from './container-modules.js';
