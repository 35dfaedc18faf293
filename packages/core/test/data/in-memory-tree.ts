import type { EntryStat, TreeSource } from '../../src/ports/tree-source.js';

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

/** An error as Node's fs throws it: `code` says what went wrong. */
const fsError = (code: string, path: string): Error => Object.assign(new Error(`${code}: ${path}`), { code });

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
    for (const part of path
      .split('/')
      .slice(2)
      .filter((p) => p !== '')) {
      if (entry.type !== 'directory') throw fsError('ENOTDIR', path);
      const next = [...entry.children].find(([name]) => decode(name) === part)?.[1];
      if (!next) throw fsError('ENOENT', path);
      entry = next;
    }
    return entry;
  }
  private children(path: string): Array<[Uint8Array, MemoryEntry]> {
    const entry = this.find(path);
    if (entry.type !== 'directory') throw fsError('ENOTDIR', path);
    return [...entry.children];
  }

  /** `path` with every symlink on the way resolved (relative targets from the link's directory), as the OS does. */
  private resolve(path: string): string {
    const pending = path
      .split('/')
      .slice(2)
      .filter((p) => p !== '' && p !== '.');
    const resolved: string[] = [];
    let hops = 0;
    while (pending.length > 0) {
      const part = pending.shift()!;
      if (part === '..') {
        resolved.pop();
        continue;
      }
      const entry = this.find(['/mnt', ...resolved, part].join('/'));
      if (entry.type !== 'symlink') {
        resolved.push(part);
        continue;
      }
      if ((hops += 1) > 40) throw fsError('ELOOP', path);
      const target = decode(entry.target);
      if (target.startsWith('/')) resolved.length = 0;
      pending.unshift(...(target.startsWith('/') ? target.split('/').slice(2) : target.split('/')).filter((p) => p !== '' && p !== '.'));
    }
    return ['/mnt', ...resolved].join('/');
  }

  realpath = (path: string): string => this.resolve(path);
  realpathRaw = (path: string): Uint8Array => encoder.encode(this.resolve(path));
  list = (path: string): string[] => this.children(path).map(([name]) => decode(name));
  listRaw = (path: string): Uint8Array[] => {
    this.rawReads.push(path);
    return this.children(path).map(([name]) => name);
  };
  lstat = (path: string): EntryStat => statOf(this.find(path));
  readlink = (path: string): string => decode(this.readlinkRaw(path));
  readlinkRaw = (path: string): Uint8Array => {
    const entry = this.find(path);
    if (entry.type !== 'symlink') throw fsError('EINVAL', path);
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
