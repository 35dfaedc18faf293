import { promises as fsp, type BigIntStats } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';

/**
 * A file younger than this (mtime or ctime within the window before it was
 * stat'ed) is not cached: a write in the same timestamp tick could otherwise go
 * unnoticed ("racily clean", as git calls it). It is simply re-read next time.
 */
export const RACY_WINDOW_NS = 100_000_000n;

/** [size, mtimeNs, ino, ctimeNs, dev, hex] — numbers as decimal strings (bigint-safe JSON). */
type CacheEntry = [string, string, string, string, string, string];

interface CacheFile {
  version: 1;
  root: string;
  entries: Record<string, CacheEntry>;
}

function fingerprint(stat: BigIntStats): [string, string, string, string, string] {
  return [String(stat.size), String(stat.mtimeNs), String(stat.ino), String(stat.ctimeNs), String(stat.dev)];
}

function isEntry(value: unknown): value is CacheEntry {
  return Array.isArray(value) && value.length === 6 && value.every((v) => typeof v === 'string');
}

/**
 * Remembers, per captured root, each file's stat fingerprint (size, mtime_ns,
 * inode, ctime_ns, dev) and its content digest, so re-capturing an unchanged file
 * reads no content. Persisted as one JSON file per root under
 * `<store>/stat-cache/`, replaced atomically; a missing or unreadable cache file
 * is an empty cache (it only ever costs a re-read, never a wrong digest).
 */
export class StatCache {
  private entries: Record<string, CacheEntry> = Object.create(null) as Record<string, CacheEntry>;
  private dirty = false;

  private constructor(
    private readonly file: string,
    private readonly root: string,
  ) {}

  static directoryIn(storeDirectory: string): string {
    return join(storeDirectory, 'stat-cache');
  }

  static async load(storeDirectory: string, root: string): Promise<StatCache> {
    const name = createHash('sha256').update(root).digest('hex').slice(0, 32);
    const cache = new StatCache(join(StatCache.directoryIn(storeDirectory), `${name}.json`), root);
    try {
      const parsed = JSON.parse(await fsp.readFile(cache.file, 'utf8')) as Partial<CacheFile>;
      if (parsed.version === 1 && parsed.root === root && parsed.entries && typeof parsed.entries === 'object') {
        for (const [rel, entry] of Object.entries(parsed.entries)) if (isEntry(entry)) cache.entries[rel] = entry;
      }
    } catch {
      // No cache yet, or an unreadable one: start empty.
    }
    return cache;
  }

  /** The cached hex digest when `stat` matches the recorded fingerprint exactly. */
  lookup(rel: string, stat: BigIntStats): string | undefined {
    const entry = this.entries[rel];
    if (!entry) return undefined;
    const now = fingerprint(stat);
    for (let i = 0; i < now.length; i++) if (entry[i] !== now[i]) return undefined;
    return entry[5];
  }

  /** Record a digest read from a file whose stat was taken at `statAtNs` (wall clock), unless the file was racily fresh. */
  record(rel: string, stat: BigIntStats, hex: string, statAtNs: bigint): void {
    const newest = stat.mtimeNs > stat.ctimeNs ? stat.mtimeNs : stat.ctimeNs;
    if (newest + RACY_WINDOW_NS > statAtNs) {
      if (this.entries[rel]) {
        delete this.entries[rel];
        this.dirty = true;
      }
      return;
    }
    this.entries[rel] = [...fingerprint(stat), hex];
    this.dirty = true;
  }

  /** Keep only the paths seen in this capture (files deleted from the tree leave the cache). */
  retain(seen: ReadonlySet<string>): void {
    for (const rel of Object.keys(this.entries)) {
      if (!seen.has(rel)) {
        delete this.entries[rel];
        this.dirty = true;
      }
    }
  }

  async save(): Promise<void> {
    if (!this.dirty) return;
    const body: CacheFile = { version: 1, root: this.root, entries: this.entries };
    await fsp.mkdir(join(this.file, '..'), { recursive: true });
    const temp = `${this.file}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
    await fsp.writeFile(temp, JSON.stringify(body));
    await fsp.rename(temp, this.file);
    this.dirty = false;
  }

  /** Drop every cache entry (in every root's cache file) whose digest is in `removedHex` — run by gc. */
  static async forget(storeDirectory: string, removedHex: ReadonlySet<string>): Promise<void> {
    if (removedHex.size === 0) return;
    const dir = StatCache.directoryIn(storeDirectory);
    let names: string[];
    try {
      names = await fsp.readdir(dir);
    } catch {
      return;
    }
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      let parsed: CacheFile;
      try {
        parsed = JSON.parse(await fsp.readFile(join(dir, name), 'utf8')) as CacheFile;
      } catch {
        await fsp.rm(join(dir, name), { force: true });
        continue;
      }
      const cache = new StatCache(join(dir, name), parsed.root);
      for (const [rel, entry] of Object.entries(parsed.entries ?? {})) {
        if (isEntry(entry) && !removedHex.has(entry[5])) cache.entries[rel] = entry;
        else cache.dirty = true;
      }
      await cache.save();
    }
  }
}
