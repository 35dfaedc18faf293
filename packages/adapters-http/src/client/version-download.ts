import { randomBytes } from 'node:crypto';
import { createWriteStream, promises as fsp } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ManifestSchema, MaterializeTargetExistsError, parseInput, type Manifest, type MaterializeOptions } from '@dotscience/core';
import { restoredMode } from '@dotscience/core/store-kit';

/** How the download reaches objects: a stream of an object's bytes (throws when absent). */
export type ObjectFetcher = (digest: string) => Promise<ReadableStream<Uint8Array>>;

interface Tree {
  manifest: Manifest;
  subdirectories: Map<string, Tree>;
}

const FILE_VERSION_MODE = 0o644;

async function exists(path: string): Promise<boolean> {
  return fsp.lstat(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );
}

async function loadTree(fetchObject: ObjectFetcher, digest: string): Promise<Tree> {
  const text = await new Response(await fetchObject(digest)).text();
  const manifest = parseInput(ManifestSchema, JSON.parse(text), `manifest ${digest}`);
  const subdirectories = new Map<string, Tree>();
  for (const entry of manifest.entries) if (entry.type === 'directory') subdirectories.set(entry.name, await loadTree(fetchObject, entry.digest));
  return { manifest, subdirectories };
}

async function download(fetchObject: ObjectFetcher, digest: string, path: string, mode: number): Promise<void> {
  const body = await fetchObject(digest);
  await pipeline(Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>), createWriteStream(path, { flags: 'wx', mode: 0o600 }));
  await fsp.chmod(path, mode);
}

async function writeTree(fetchObject: ObjectFetcher, tree: Tree, dir: string, modes: Array<[string, number]>, options: MaterializeOptions): Promise<void> {
  for (const entry of tree.manifest.entries) {
    const path = join(dir, entry.name);
    if (entry.type === 'file') await download(fetchObject, entry.digest, path, restoredMode(entry.mode, options));
    else if (entry.type === 'symlink') await fsp.symlink(entry.target ?? '', path);
    else {
      await fsp.mkdir(path, { mode: 0o700 });
      await writeTree(fetchObject, tree.subdirectories.get(entry.name)!, path, modes, options);
      modes.push([path, restoredMode(entry.mode, options)]);
    }
  }
}

/**
 * Download a version to `target` (which must not exist): manifests first (so a
 * missing version fails before anything is created), then the files into a
 * temp sibling that is renamed into place — a failed download leaves nothing.
 * Setuid, setgid and sticky bits only with `options.specialModes`.
 */
export async function downloadVersion(
  fetchObject: ObjectFetcher,
  kind: 'file' | 'directory',
  digest: string,
  target: string,
  options: MaterializeOptions = {},
): Promise<void> {
  const path = resolve(target);
  if (await exists(path)) throw new MaterializeTargetExistsError(path);
  const tree = kind === 'directory' ? await loadTree(fetchObject, digest) : undefined;
  const parent = dirname(path);
  await fsp.mkdir(parent, { recursive: true });
  const temp = join(parent, `.${basename(path)}.downloading-${randomBytes(6).toString('hex')}`);
  try {
    if (tree) {
      await fsp.mkdir(temp);
      const modes: Array<[string, number]> = [];
      await writeTree(fetchObject, tree, temp, modes, options);
      for (const [dir, mode] of modes) await fsp.chmod(dir, mode);
      if (await exists(path)) throw new MaterializeTargetExistsError(path);
      await fsp.rename(temp, path);
    } else {
      await download(fetchObject, digest, temp, FILE_VERSION_MODE);
      await fsp.link(temp, path).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'EEXIST') throw new MaterializeTargetExistsError(path);
        throw error;
      });
      await fsp.rm(temp, { force: true });
    }
  } catch (error) {
    await fsp.rm(temp, { recursive: true, force: true });
    throw error;
  }
}
