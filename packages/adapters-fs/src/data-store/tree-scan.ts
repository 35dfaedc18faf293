import { promises as fsp, type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import { DataPathNotFoundError } from '@dotscience/core';
import { DataReadError, SpecialFileError } from './data-store-errors.js';

export interface ScannedFile {
  type: 'file';
  name: string;
  /** Path relative to the captured root ('' for a root that is itself a file). */
  rel: string;
  abs: string;
  mode: number;
  stat: BigIntStats;
  /** Wall clock (ns) just before the stat was taken — for the racy-clean check. */
  statAtNs: bigint;
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
  mode: number;
  children: ScannedNode[];
}
export type ScannedNode = ScannedFile | ScannedSymlink | ScannedDirectory;

const PERMISSION_BITS = 0o7777;
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

async function lstatOf(path: string): Promise<BigIntStats> {
  try {
    return await fsp.lstat(path, { bigint: true });
  } catch (error) {
    return readFailure(path, error);
  }
}

async function scanNode(abs: string, rel: string, name: string, stat: BigIntStats, statAtNs: bigint): Promise<ScannedNode> {
  const mode = Number(stat.mode) & PERMISSION_BITS;
  if (stat.isFile()) return { type: 'file', name, rel, abs, mode, stat, statAtNs };
  if (stat.isSymbolicLink()) {
    try {
      return { type: 'symlink', name, mode, target: await fsp.readlink(abs, 'utf8') };
    } catch (error) {
      return readFailure(abs, error);
    }
  }
  if (stat.isDirectory()) {
    let names: string[];
    try {
      names = await fsp.readdir(abs);
    } catch (error) {
      return readFailure(abs, error);
    }
    const childStatAt = nowNs();
    const children = await Promise.all(
      names.map(async (child) => {
        const childAbs = join(abs, child);
        return scanNode(childAbs, rel === '' ? child : `${rel}/${child}`, child, await lstatOf(childAbs), childStatAt);
      }),
    );
    return { type: 'directory', name, mode, children };
  }
  throw new SpecialFileError(abs, specialKind(stat));
}

/**
 * Walk the tree at `root` without following symlinks inside it (a symlink is
 * recorded by its target text). The root itself may be a symlink: it is what the
 * user named, so it is followed once. Sockets, FIFOs and devices are refused.
 */
export async function scanTree(path: string): Promise<{ root: string; node: ScannedNode }> {
  const statAtNs = nowNs();
  const found = await fsp
    .realpath(path)
    .then(async (root) => ({ root, stat: await fsp.lstat(root, { bigint: true }) }))
    .catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') throw new DataPathNotFoundError(path);
      return readFailure(path, error);
    });
  return { root: found.root, node: await scanNode(found.root, '', '', found.stat, statAtNs) };
}
