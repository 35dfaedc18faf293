import { constants, promises as fsp } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { type MaterializeOptions, type VersionRef } from '@dotscience/core';
import { restoredMode } from '@dotscience/core/store-kit';
import { MaterializeTargetExistsError } from './data-store-errors.js';
import { hexOf, type ObjectStore } from './object-store.js';
import { loadComplete, type VersionTree } from './version-tree.js';

/** A single-file version carries no mode; it is restored as a plain readable, writable file. */
export const FILE_VERSION_MODE = 0o644;
const PARALLEL_COPIES = 16;

async function exists(path: string): Promise<boolean> {
  try {
    await fsp.lstat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Copy an object out of the store: a reflink (copy-on-write clone) where the file system can, else a copy. */
async function copyObject(objects: ObjectStore, hex: string, path: string, mode: number): Promise<void> {
  await fsp.copyFile(objects.pathOf(hex), path, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
  await fsp.chmod(path, mode);
}

/** Write a directory's contents; its sub-directories get their modes only after they are filled (a 0o555 directory can still be written). */
async function writeDirectory(
  objects: ObjectStore,
  tree: VersionTree,
  dir: string,
  copies: Array<() => Promise<void>>,
  modes: Array<[string, number]>,
  options: MaterializeOptions,
): Promise<void> {
  for (const entry of tree.manifest.entries) {
    const path = join(dir, entry.name);
    if (entry.type === 'file') copies.push(() => copyObject(objects, hexOf(entry.digest), path, restoredMode(entry.mode, options)));
    else if (entry.type === 'symlink') await fsp.symlink(entry.target ?? '', path);
    else {
      await fsp.mkdir(path, { mode: 0o700 });
      await writeDirectory(objects, tree.subdirectories.get(entry.name)!, path, copies, modes, options);
      modes.push([path, restoredMode(entry.mode, options)]);
    }
  }
}

async function runAll(tasks: Array<() => Promise<void>>, parallel: number): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < tasks.length) await tasks[next++]!();
  };
  await Promise.all(Array.from({ length: Math.min(parallel, tasks.length) }, lane));
}

/** Remove the directories mkdir created for the target's parent, deepest first, stopping at one that is not empty. */
async function removeCreatedParents(firstCreated: string | undefined, parent: string): Promise<void> {
  if (firstCreated === undefined) return;
  for (let dir = parent; dir.length >= firstCreated.length; dir = dirname(dir)) {
    try {
      await fsp.rmdir(dir);
    } catch {
      return;
    }
    if (dir === firstCreated || !dir.includes(sep)) return;
  }
}

/**
 * Restore a version at `target` (which must not exist): build it in a temp
 * sibling, then rename it into place, so a failed materialize leaves nothing.
 * Setuid, setgid and sticky bits only with `options.specialModes`.
 */
export async function materializeVersion(objects: ObjectStore, ref: VersionRef, target: string, options: MaterializeOptions = {}): Promise<void> {
  const path = resolve(target);
  if (await exists(path)) throw new MaterializeTargetExistsError(path);
  const version = await loadComplete(objects, ref);
  const parent = dirname(path);
  const firstCreated = await fsp.mkdir(parent, { recursive: true });
  const temp = join(parent, `.${basename(path)}.materializing-${randomBytes(6).toString('hex')}`);
  try {
    if ('manifest' in version) {
      await fsp.mkdir(temp);
      const copies: Array<() => Promise<void>> = [];
      const modes: Array<[string, number]> = [];
      await writeDirectory(objects, version, temp, copies, modes, options);
      await runAll(copies, PARALLEL_COPIES);
      for (const [dir, mode] of modes) await fsp.chmod(dir, mode);
      if (await exists(path)) throw new MaterializeTargetExistsError(path);
      await fsp.rename(temp, path);
    } else {
      await copyObject(objects, version.hex, temp, FILE_VERSION_MODE);
      // link() refuses an existing name, so a file created meanwhile is never overwritten.
      // (A file system without hard links gets a plain rename.)
      await fsp.link(temp, path).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code === 'EEXIST') throw new MaterializeTargetExistsError(path);
        await fsp.rename(temp, path);
      });
      await fsp.rm(temp, { force: true });
    }
  } catch (error) {
    await fsp.rm(temp, { recursive: true, force: true });
    await removeCreatedParents(firstCreated, parent);
    throw error;
  }
}
