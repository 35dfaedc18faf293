/**
 * A store's files are its owner's alone, whatever the umask (a umask can only
 * take bits away): the event log, lock, snapshots, checkpoints, caches and
 * config are 0600, its directories 0700, and data objects 0400 (read-only: a
 * version's bytes never change).
 */
export const STORE_FILE_MODE = 0o600;
export const STORE_DIRECTORY_MODE = 0o700;
export const STORE_OBJECT_MODE = 0o400;
