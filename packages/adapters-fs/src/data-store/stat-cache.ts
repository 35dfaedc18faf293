import { promises as fsp, type BigIntStats } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { STORE_DIRECTORY_MODE, STORE_FILE_MODE } from '../store-file-modes.js';

/**
 * A file younger than this (mtime or ctime within the window before it was
 * stat'ed) is not cached: a write in the same timestamp tick could otherwise go
 * unnoticed ("racily clean", as git calls it). It is simply re-read next time.
 */
export const RACY_WINDOW_NS = 100_000_000n;

const HEX_LENGTH = 64;

/**
 * The cache file. Each map is one flat array of key, value, key, value …: JSON.parse reads
 * a 100k-file cache that way in about a third of the time it takes for an object of 100k keys
 * (~50 vs ~150 ms here), and a re-capture of an unchanged tree starts with that parse.
 * Version 2 (objects) is still read.
 */
interface CacheFile {
  version: 3;
  root: string;
  /** rel path, "<size>:<mtimeNs>:<ino>:<ctimeNs>:<dev> <hex>" (one string per entry parses fast), … */
  entries: string[];
  /** rel dir path, "<sha256 of the entries' JSON> <manifest hex>" (skips re-serialising unchanged manifests), … */
  manifests: string[];
}

/** The cache file before version 3: the same pairs as objects. */
interface CacheFileV2 {
  version: 2;
  root: string;
  entries: Record<string, string>;
  manifests: Record<string, string>;
}

/** What identifies an unchanged file: size, mtime_ns, inode, ctime_ns, dev. */
export function statFingerprint(stat: BigIntStats): string {
  return `${stat.size}:${stat.mtimeNs}:${stat.ino}:${stat.ctimeNs}:${stat.dev}`;
}

/** True when the file changed within the racy window before `statAtNs` (wall clock): too fresh to cache. */
export function isRacilyFresh(stat: BigIntStats, statAtNs: bigint): boolean {
  const newest = stat.mtimeNs > stat.ctimeNs ? stat.mtimeNs : stat.ctimeNs;
  return newest + RACY_WINDOW_NS > statAtNs;
}

/**
 * Remembers, per captured root, each file's stat fingerprint (size, mtime_ns,
 * inode, ctime_ns, dev) and its content digest, so re-capturing an unchanged file
 * reads no content. Persisted as one JSON file per root under
 * `<store>/stat-cache/`, replaced atomically; a missing or unreadable cache file
 * is an empty cache (it only ever costs a re-read, never a wrong digest).
 * Entries of files no longer in the tree are dropped when the capture saves.
 */
export class StatCache {
  private readonly previous = new Map<string, string>();
  private readonly current = new Map<string, string>();
  private readonly previousManifests = new Map<string, string>();
  private readonly currentManifests = new Map<string, string>();
  private recorded = false;

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
    await cache.read(cache.file);
    return cache;
  }

  /** The cached hex digest when the file's fingerprint matches the recorded one exactly. */
  lookup(rel: string, print: string): string | undefined {
    const entry = this.previous.get(rel);
    if (entry === undefined) return undefined;
    if (entry.length !== print.length + 1 + HEX_LENGTH || !entry.startsWith(print) || entry.charCodeAt(print.length) !== 32) return undefined;
    this.current.set(rel, entry);
    return entry.slice(print.length + 1);
  }

  /** Record the digest read from a file, unless it was racily fresh when stat'ed (then it is re-read next time). */
  record(rel: string, print: string, hex: string, racilyFresh: boolean): void {
    this.recorded = true;
    if (!racilyFresh) this.current.set(rel, `${print} ${hex}`);
  }

  /** The manifest digest recorded for directory `rel` when its entries (by `entriesKey`) are unchanged. */
  manifestOf(rel: string, entriesKey: string): string | undefined {
    const entry = this.previousManifests.get(rel);
    if (entry === undefined || !entry.startsWith(`${entriesKey} `)) return undefined;
    this.currentManifests.set(rel, entry);
    return entry.slice(entriesKey.length + 1);
  }

  recordManifest(rel: string, entriesKey: string, hex: string): void {
    this.recorded = true;
    this.currentManifests.set(rel, `${entriesKey} ${hex}`);
  }

  /** Persist what this capture saw (only when it differs from what was loaded). */
  async save(): Promise<void> {
    const unchanged = this.current.size === this.previous.size && this.currentManifests.size === this.previousManifests.size;
    if (!this.recorded && unchanged) return;
    const body: CacheFile = { version: 3, root: this.root, entries: flatPairs(this.current), manifests: flatPairs(this.currentManifests) };
    await fsp.mkdir(dirname(this.file), { recursive: true, mode: STORE_DIRECTORY_MODE });
    const temp = `${this.file}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
    await fsp.writeFile(temp, JSON.stringify(body), { mode: STORE_FILE_MODE });
    await fsp.rename(temp, this.file);
  }

  private async read(file: string): Promise<void> {
    try {
      const parsed = JSON.parse(await fsp.readFile(file, 'utf8')) as Partial<CacheFile> | Partial<CacheFileV2>;
      if (parsed.root !== this.root) return;
      if (parsed.version === 3) {
        readPairs(parsed.entries, this.previous);
        readPairs(parsed.manifests, this.previousManifests);
      } else if (parsed.version === 2) {
        readRecord(parsed.entries, this.previous);
        readRecord(parsed.manifests, this.previousManifests);
        this.recorded = true; // saved again as version 3 at the end of this capture
      }
    } catch {
      // No cache yet, or an unreadable one: start empty.
    }
  }

  /** Drop every cache entry (in every root's cache file) whose digest is in `removedHex` — run by gc. */
  static async forget(storeDirectory: string, removedHex: ReadonlySet<string>): Promise<void> {
    if (removedHex.size === 0) return;
    const dir = StatCache.directoryIn(storeDirectory);
    const names = await fsp.readdir(dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      const file = join(dir, name);
      const parsed = (await fsp.readFile(file, 'utf8').then(JSON.parse, () => undefined)) as Partial<CacheFile> | Partial<CacheFileV2> | undefined;
      if ((parsed?.version !== 2 && parsed?.version !== 3) || typeof parsed.root !== 'string') {
        await fsp.rm(file, { force: true });
        continue;
      }
      const cache = new StatCache(file, parsed.root);
      await cache.read(file);
      for (const [rel, entry] of cache.previous) if (!removedHex.has(entry.slice(-HEX_LENGTH))) cache.current.set(rel, entry);
      for (const [rel, entry] of cache.previousManifests) if (!removedHex.has(entry.slice(-HEX_LENGTH))) cache.currentManifests.set(rel, entry);
      await cache.save();
    }
  }
}

/** A map's pairs as one flat array: key, value, key, value … */
function flatPairs(map: ReadonlyMap<string, string>): string[] {
  const pairs = new Array<string>(2 * map.size);
  let i = 0;
  for (const [key, value] of map) {
    pairs[i++] = key;
    pairs[i++] = value;
  }
  return pairs;
}

/** Pairs of strings from a flat array into `into`; anything else is skipped (the cache only ever costs a re-read). */
function readPairs(pairs: unknown, into: Map<string, string>): void {
  if (!Array.isArray(pairs)) return;
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const key: unknown = pairs[i];
    const value: unknown = pairs[i + 1];
    if (typeof key === 'string' && typeof value === 'string') into.set(key, value);
  }
}

/** Version 2's objects of strings into `into`. */
function readRecord(record: unknown, into: Map<string, string>): void {
  if (typeof record !== 'object' || record === null) return;
  for (const [key, value] of Object.entries(record)) if (typeof value === 'string') into.set(key, value);
}
