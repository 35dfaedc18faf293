import type { EntryStat, TreeSource } from '../../src/data/tree-scan.js';

/** An entry of an in-memory tree; names and link targets are bytes, as on disk. */
export type MemoryEntry =
  | { type: 'file'; mode: number; bytes: string }
  | { type: 'directory'; mode: number; children: Map<Uint8Array, MemoryEntry> }
  | { type: 'symlink'; target: Uint8Array }
  | { type: 'fifo' | 'socket' };

const lenient = new TextDecoder('utf-8');
const encoder = new TextEncoder();
const decode = (bytes: Uint8Array): string => lenient.decode(bytes);

/** Bytes from text pieces and single byte values: `bytes('caf', 0xe9)`. */
export const bytes = (...parts: Array<string | number>): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'number' ? [p] : [...encoder.encode(p)])));

/** A directory of entries named by text or by bytes. */
export function dir(entries: Record<string, MemoryEntry> | Array<[Uint8Array, MemoryEntry]>, mode = 0o755): MemoryEntry {
  const pairs = Array.isArray(entries) ? entries : Object.entries(entries).map(([name, entry]): [Uint8Array, MemoryEntry] => [encoder.encode(name), entry]);
  return { type: 'directory', mode, children: new Map(pairs) };
}
export const file = (text: string, mode = 0o644): MemoryEntry => ({ type: 'file', mode, bytes: text });
export const link = (target: string | Uint8Array): MemoryEntry => ({ type: 'symlink', target: typeof target === 'string' ? encoder.encode(target) : target });

function statOf(entry: MemoryEntry): EntryStat {
  const is = (type: MemoryEntry['type']) => () => entry.type === type;
  return {
    mode: 'mode' in entry ? entry.mode : 0o777,
    size: entry.type === 'file' ? encoder.encode(entry.bytes).length : 0,
    isFile: is('file'),
    isDirectory: is('directory'),
    isSymbolicLink: is('symlink'),
    isSocket: is('socket'),
    isFIFO: is('fifo'),
    isBlockDevice: () => false,
    isCharacterDevice: () => false,
  };
}

/**
 * A tree held in memory, mounted at `/mnt`, read the way Node reads a disk: names
 * and targets decoded leniently (bad bytes → U+FFFD) unless asked for raw bytes.
 * Core's scan is pure, so its rules are checked against this; the adapters run
 * the same rules against real files.
 */
export class InMemoryTree implements TreeSource<EntryStat, string> {
  readonly rawReads: string[] = [];
  yields = 0;

  constructor(private readonly root: MemoryEntry) {}

  private find(path: string): MemoryEntry {
    let entry = this.root;
    for (const part of path.split('/').slice(2).filter((p) => p !== '')) {
      if (entry.type !== 'directory') throw new Error(`ENOTDIR: ${path}`);
      const next = [...entry.children].find(([name]) => decode(name) === part)?.[1];
      if (!next) throw new Error(`ENOENT: ${path}`);
      entry = next;
    }
    return entry;
  }
  private children(path: string): Array<[Uint8Array, MemoryEntry]> {
    const entry = this.find(path);
    if (entry.type !== 'directory') throw new Error(`ENOTDIR: ${path}`);
    return [...entry.children];
  }

  realpath = (path: string): string => path;
  realpathRaw = (path: string): Uint8Array => encoder.encode(path);
  list = (path: string): string[] => this.children(path).map(([name]) => decode(name));
  listRaw = (path: string): Uint8Array[] => {
    this.rawReads.push(path);
    return this.children(path).map(([name]) => name);
  };
  lstat = (path: string): EntryStat => statOf(this.find(path));
  readlink = (path: string): string => decode(this.readlinkRaw(path));
  readlinkRaw = (path: string): Uint8Array => {
    const entry = this.find(path);
    if (entry.type !== 'symlink') throw new Error(`EINVAL: ${path}`);
    return entry.target;
  };
  /** A file's text, so the test can hash it as its "content". */
  fileDetail = (_stat: EntryStat, path: string): string => {
    const entry = this.find(path);
    return entry.type === 'file' ? entry.bytes : '';
  };
  yieldToEventLoop = async (): Promise<void> => {
    this.yields += 1;
  };
}
