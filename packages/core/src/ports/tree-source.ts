/** What the scan needs from an lstat (Node's `Stats` and `BigIntStats` fit as they are). */
export interface EntryStat {
  readonly mode: number | bigint;
  readonly size: number | bigint;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
  isSocket(): boolean;
  isFIFO(): boolean;
  isBlockDevice(): boolean;
  isCharacterDevice(): boolean;
}

/**
 * The file system as a capture reads it, supplied by each DataStore adapter (core
 * does no I/O). Calls are synchronous: for a walk of many small entries they are
 * several times faster than promise-based ones; the scan yields between
 * directories through `yieldToEventLoop`. An adapter turns failures into its own
 * errors here (e.g. a missing root into `DataPathNotFoundError`). The
 * `treeSourceContract` suite in `@dotscience/core/testing` checks every implementation.
 */
export interface TreeSource<S extends EntryStat, F> {
  /**
   * The path with every symlink resolved, decoded as UTF-8 (invalid bytes as U+FFFD).
   * Resolve it in the OS (Node: `realpathSync.native`): Node's JavaScript realpath
   * re-reads each decoded component and cannot pass one that is not UTF-8. A path
   * that does not exist throws an error with `code` ENOENT or ENOTDIR (as Node's
   * fs does): the scan reports it as `DataPathNotFoundError` naming the path asked for.
   */
  realpath(path: string): string;
  /** The same as raw bytes: read only when the decoded one holds U+FFFD. */
  realpathRaw(path: string): Uint8Array;
  /** Names in a directory, decoded as UTF-8 (invalid bytes as U+FFFD, as Node does). */
  list(dir: string): readonly string[];
  /** The same names as raw bytes: read only when some decoded name holds U+FFFD. */
  listRaw(dir: string): readonly Uint8Array[];
  lstat(path: string): S;
  /** A symlink's target text, decoded as UTF-8. */
  readlink(path: string): string;
  /** The same as raw bytes: read only when the decoded target holds U+FFFD. */
  readlinkRaw(path: string): Uint8Array;
  /** What the adapter keeps about a regular file besides its name, mode and size (e.g. a stat-cache fingerprint). */
  fileDetail(stat: S, path: string): F;
  /** Let timers run (e.g. `setImmediate`); called at most every few milliseconds of scanning. */
  yieldToEventLoop(): Promise<void>;
}

export const TreeSource = Symbol.for('dotscience.TreeSource');
