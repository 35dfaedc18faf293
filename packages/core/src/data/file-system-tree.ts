import type { EntryStat, TreeSource } from '../ports/tree-source.js';

/**
 * The synchronous calls a scan makes, shaped like Node's `node:fs` (pass the
 * module itself): core names the shape and never imports it.
 */
export interface SyncTreeCalls<S extends EntryStat> {
  realpathSync: { native(path: string): string; native(path: string, options: { encoding: 'buffer' }): Uint8Array };
  readdirSync(path: string): string[];
  readdirSync(path: string, options: { encoding: 'buffer' }): Uint8Array[];
  lstatSync(path: string): S;
  readlinkSync(path: string, encoding: 'utf8'): string;
  readlinkSync(path: string, options: { encoding: 'buffer' }): Uint8Array;
}

/**
 * A TreeSource over a file system as it is: errors pass through unchanged and
 * files carry no detail. `yieldToEventLoop` lets timers run during long scans
 * (Node: `() => new Promise((resolve) => setImmediate(resolve))`).
 */
export function fileSystemTree<S extends EntryStat>(fs: SyncTreeCalls<S>, yieldToEventLoop: () => Promise<void>): TreeSource<S, undefined> {
  return {
    realpath: (path) => fs.realpathSync.native(path),
    realpathRaw: (path) => fs.realpathSync.native(path, { encoding: 'buffer' }),
    list: (dir) => fs.readdirSync(dir),
    listRaw: (dir) => fs.readdirSync(dir, { encoding: 'buffer' }),
    lstat: (path) => fs.lstatSync(path),
    readlink: (path) => fs.readlinkSync(path, 'utf8'),
    readlinkRaw: (path) => fs.readlinkSync(path, { encoding: 'buffer' }),
    fileDetail: () => undefined,
    yieldToEventLoop,
  };
}
