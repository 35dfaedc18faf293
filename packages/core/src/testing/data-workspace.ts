import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** One entry of a data tree to write: file bytes (with a mode), an empty directory, or a symlink with its target text. */
export type DataTreeEntry =
  | string
  | Uint8Array
  | { readonly bytes: string | Uint8Array; readonly mode: number }
  | { readonly dir: true; readonly mode?: number }
  | { readonly link: string };

/** A data tree: relative paths (`a/b.csv`, parents created as needed) to what is there. */
export type DataTree = Readonly<Record<string, DataTreeEntry>>;

/**
 * What a tree holds, as a comparable value: one line per entry, sorted by path.
 * Files carry their permission bits and bytes (base64), directories their bits,
 * symlinks their target text (a symlink's own bits are not portable, so they are left out).
 */
export type DataTreeDescription = Array<
  | { path: string; type: 'file'; mode: string; bytes: string }
  | { path: string; type: 'directory'; mode: string }
  | { path: string; type: 'symlink'; target: string }
>;

const PERMISSION_BITS = 0o7777;

/** Describe the tree below `root` (the root itself excluded) without following symlinks. */
export async function describeDataTree(root: string): Promise<DataTreeDescription> {
  const out: DataTreeDescription = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const name of (await fsp.readdir(dir)).sort()) {
      const path = join(dir, name);
      const relPath = rel === '' ? name : `${rel}/${name}`;
      const stat = await fsp.lstat(path);
      const mode = (stat.mode & PERMISSION_BITS).toString(8);
      if (stat.isSymbolicLink()) out.push({ path: relPath, type: 'symlink', target: await fsp.readlink(path, 'utf8') });
      else if (stat.isDirectory()) {
        out.push({ path: relPath, type: 'directory', mode });
        await walk(path, relPath);
      } else out.push({ path: relPath, type: 'file', mode, bytes: (await fsp.readFile(path)).toString('base64') });
    }
  };
  await walk(root, '');
  return out;
}

/** A real temp directory to build data trees in; `cleanup` removes it, read-only parts included. */
export class DataWorkspace {
  private constructor(readonly root: string) {}

  /** A fresh directory in `directory` (default: the OS temp directory). */
  static async create(prefix = 'ds-data-workspace-', directory = tmpdir()): Promise<DataWorkspace> {
    return new DataWorkspace(await fsp.mkdtemp(join(directory, prefix)));
  }

  /** Absolute path of `rel` inside the workspace. */
  path(rel: string): string {
    return join(this.root, rel);
  }

  /** Write `tree` under `rel` (created if missing); returns its absolute path. Directory modes are applied last, deepest first. */
  async write(rel: string, tree: DataTree): Promise<string> {
    const root = this.path(rel);
    await fsp.mkdir(root, { recursive: true });
    const dirModes: Array<[string, number]> = [];
    for (const [entryPath, entry] of Object.entries(tree)) {
      const path = join(root, entryPath);
      await fsp.mkdir(dirname(path), { recursive: true });
      if (typeof entry === 'string' || entry instanceof Uint8Array) await fsp.writeFile(path, entry);
      else if ('link' in entry) await fsp.symlink(entry.link, path);
      else if ('dir' in entry) {
        await fsp.mkdir(path, { recursive: true });
        if (entry.mode !== undefined) dirModes.push([path, entry.mode]);
      } else {
        await fsp.writeFile(path, entry.bytes);
        await fsp.chmod(path, entry.mode);
      }
    }
    for (const [path, mode] of dirModes.sort(([a], [b]) => b.length - a.length)) await fsp.chmod(path, mode);
    return root;
  }

  /** Write one file (parents created); returns its absolute path. */
  async writeFile(rel: string, bytes: string | Uint8Array, mode?: number): Promise<string> {
    const path = this.path(rel);
    await fsp.mkdir(dirname(path), { recursive: true });
    await fsp.writeFile(path, bytes);
    if (mode !== undefined) await fsp.chmod(path, mode);
    return path;
  }

  describe(rel: string): Promise<DataTreeDescription> {
    return describeDataTree(this.path(rel));
  }

  /** Names directly inside `rel` (to check that nothing was left next to a target). */
  async list(rel = ''): Promise<string[]> {
    return (await fsp.readdir(this.path(rel))).sort();
  }

  async remove(rel: string): Promise<void> {
    await unlock(this.path(rel));
    await fsp.rm(this.path(rel), { recursive: true, force: true });
  }

  cleanup(): Promise<void> {
    return this.remove('');
  }
}

/** Make directories writable again so a tree with read-only directories can be removed. */
async function unlock(path: string): Promise<void> {
  const stat = await fsp.lstat(path).catch(() => undefined);
  if (!stat?.isDirectory()) return;
  await fsp.chmod(path, 0o755);
  for (const name of await fsp.readdir(path)) await unlock(join(path, name));
}
