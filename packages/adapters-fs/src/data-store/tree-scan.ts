import { isUtf8 } from 'node:buffer';
import { lstatSync, promises as fsp, readdirSync, readlinkSync, type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import { DataPathNotFoundError } from '@dotscience/core';
import { DataReadError, NonUtf8NameError, SpecialFileError } from './data-store-errors.js';
import { escapeInvalidUtf8, mayHideInvalidUtf8 } from './file-name-encoding.js';
import { isRacilyFresh, statFingerprint } from './stat-cache.js';

export interface ScannedFile {
  type: 'file';
  name: string;
  /** Path relative to the captured root ('' for a root that is itself a file). */
  rel: string;
  abs: string;
  mode: number;
  size: number;
  /** `statFingerprint` of the file's lstat (the stat cache key). */
  fingerprint: string;
  /** Changed so shortly before the scan that the stat cache must not trust it yet. */
  racilyFresh: boolean;
}
export interface ScannedSymlink {
  type: 'symlink';
  name: string;
  mode: number;
  target: string;
}
export interface ScannedDirectory {
  type: 'directory';
  name: string;
  rel: string;
  mode: number;
  children: ScannedNode[];
}
export type ScannedNode = ScannedFile | ScannedSymlink | ScannedDirectory;

const PERMISSION_BITS = 0o7777;
const YIELD_EVERY_MS = 10;
const nowNs = (): bigint => BigInt(Date.now()) * 1_000_000n;

function specialKind(stat: BigIntStats): SpecialFileError['fileKind'] {
  if (stat.isSocket()) return 'socket';
  if (stat.isFIFO()) return 'fifo';
  if (stat.isBlockDevice()) return 'block device';
  if (stat.isCharacterDevice()) return 'character device';
  return 'unknown';
}

function readFailure(path: string, error: unknown): never {
  const e = error as NodeJS.ErrnoException;
  throw new DataReadError(path, e.code ? `${e.code}: ${e.message}` : String(e));
}

/** Run a file-system call, turning its failure into a DataReadError naming `path`. */
function reading<T>(path: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    return readFailure(path, error);
  }
}

/** Refuse a directory holding a name that is not UTF-8 (readdir showed some name with U+FFFD; it may be a real one). */
function refuseNonUtf8Names(dir: string): void {
  const bad = reading(dir, () => readdirSync(dir, { encoding: 'buffer' })).find((name) => !isUtf8(name));
  if (bad) throw new NonUtf8NameError(join(dir, escapeInvalidUtf8(bad)), Buffer.concat([Buffer.from(`${dir}/`), bad]), 'name');
}

/** A symlink's target text, refused when it is not UTF-8 (a manifest records it as text; U+FFFD would alter it). */
function linkTarget(path: string): string {
  const target = reading(path, () => readlinkSync(path, 'utf8'));
  if (!mayHideInvalidUtf8(target)) return target;
  const raw = reading(path, () => readlinkSync(path, { encoding: 'buffer' }));
  if (!isUtf8(raw)) throw new NonUtf8NameError(path, Buffer.from(path), 'symlink target', escapeInvalidUtf8(raw));
  return target;
}

/**
 * Synchronous calls: for a walk of many small entries they are several times
 * faster than promise-based ones. The walk yields to the event loop every few
 * milliseconds so timers (metric flushes, progress) still run.
 */
class Walk {
  private lastYield = performance.now();

  async node(abs: string, rel: string, name: string, stat: BigIntStats, statAtNs: bigint): Promise<ScannedNode> {
    const mode = Number(stat.mode) & PERMISSION_BITS;
    if (stat.isFile()) {
      // Keep strings, not the BigIntStats: a 100k-file scan would otherwise hold 100k of them.
      return { type: 'file', name, rel, abs, mode, size: Number(stat.size), fingerprint: statFingerprint(stat), racilyFresh: isRacilyFresh(stat, statAtNs) };
    }
    if (stat.isSymbolicLink()) return { type: 'symlink', name, mode, target: linkTarget(abs) };
    if (!stat.isDirectory()) throw new SpecialFileError(abs, specialKind(stat));
    const names = reading(abs, () => readdirSync(abs));
    if (names.some(mayHideInvalidUtf8)) refuseNonUtf8Names(abs);
    const childStatAt = nowNs();
    const children: ScannedNode[] = [];
    for (const child of names) {
      const childAbs = join(abs, child);
      const childStat = reading(childAbs, () => lstatSync(childAbs, { bigint: true }));
      children.push(await this.node(childAbs, rel === '' ? child : `${rel}/${child}`, child, childStat, childStatAt));
    }
    if (performance.now() - this.lastYield > YIELD_EVERY_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      this.lastYield = performance.now();
    }
    return { type: 'directory', name, rel, mode, children };
  }
}

/** The captured path resolves (through a symlink or `..`) to a name that is not UTF-8. */
async function refuseNonUtf8Root(path: string): Promise<void> {
  const raw = await fsp.realpath(path, { encoding: 'buffer' }).catch((error: unknown) => readFailure(path, error));
  if (!isUtf8(raw)) throw new NonUtf8NameError(escapeInvalidUtf8(raw), raw, 'name');
}

/**
 * Walk the tree at `root` without following symlinks inside it (a symlink is
 * recorded by its target text). The root itself may be a symlink: it is what the
 * user named, so it is followed once. Sockets, FIFOs and devices are refused, and
 * so are names (and link targets) that are not UTF-8 (NonUtf8NameError): a
 * version stores names as text and could not give the same bytes back.
 */
export async function scanTree(path: string): Promise<{ root: string; node: ScannedNode }> {
  const statAtNs = nowNs();
  const failed = (error: NodeJS.ErrnoException): never => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') throw new DataPathNotFoundError(path);
    return readFailure(path, error);
  };
  const root = await fsp.realpath(path).catch(failed);
  if (mayHideInvalidUtf8(root)) await refuseNonUtf8Root(path);
  const stat = await fsp.lstat(root, { bigint: true }).catch(failed);
  return { root, node: await new Walk().node(root, '', '', stat, statAtNs) };
}
