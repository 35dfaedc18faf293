import { createHash } from 'node:crypto';
import { copyFile, lstat, mkdtemp, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { GitCli } from './git-cli.js';
import { emptyTreeId, type GitWorkingTree } from './git-working-tree.js';

/** Why an untracked file is not carried in the patch. */
export type OmissionReason = 'file-limit' | 'total-limit';

/** An untracked file left out of the patch, unread: it counts in the digest by path and size only. */
export interface OmittedUntrackedFile {
  /** Path relative to the top of the working tree. */
  readonly path: string;
  readonly bytes: number;
  /** `file-limit`: larger than one file may be; `total-limit`: the untracked files carried before it filled the total. */
  readonly reason: OmissionReason;
}

export interface ChangeLimits {
  /** Untracked files larger than this stay out of the patch (they are data, not code). */
  readonly maxUntrackedFileBytes: number;
  /** The untracked files carried in the patch add up to at most this many bytes; the smallest are carried first. */
  readonly maxUntrackedBytes: number;
}

/**
 * Options that pin every setting that would change the bytes of the patch, so the same
 * change gives the same patch whatever the user's git configuration or repository size
 * (`--full-index`: abbreviated ids grow with the object count).
 */
const PINNED_CONFIG = ['-c', 'core.quotePath=true', '-c', 'diff.orderFile=/dev/null', '-c', 'diff.suppressBlankEmpty=false'];
const PINNED_DIFF = [
  '--binary',
  '--full-index',
  '--no-color',
  '--no-ext-diff',
  '--no-textconv',
  '--no-renames',
  '--no-relative',
  '--diff-algorithm=myers',
  '--indent-heuristic',
  '--unified=3',
  '--inter-hunk-context=0',
  '--src-prefix=a/',
  '--dst-prefix=b/',
  '--ignore-submodules=none',
];

const STAT_BATCH = 64;

/** The project folder: never code, wherever it sits in the tree. */
const PROJECT_FOLDER = '.dotscience';

/**
 * The tree's status: its untracked, non-ignored paths (relative to its top), each file
 * listed on its own (`-uall`), a nested repository as its directory; and whether any
 * tracked path (a submodule included, as the patch sees them) differs from HEAD. Reads no file.
 */
async function treeStatus(git: GitCli, tree: GitWorkingTree): Promise<{ untracked: string[]; trackedChanged: boolean }> {
  const args = ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames', '--ignore-submodules=none'];
  const out = await git.succeed({ cwd: tree.root, args });
  const entries = (out ?? Buffer.alloc(0))
    .toString('utf8')
    .split('\0')
    .filter((entry) => entry.length > 0);
  const untracked = entries.filter((entry) => entry.startsWith('?? ')).map((entry) => entry.slice(3));
  return { untracked, trackedChanged: untracked.length < entries.length };
}

/** Whether a tree-relative path is data the caller excluded, or inside a project folder. */
function excludedBy(excluded: readonly string[]): (path: string) => boolean {
  return (path) => {
    const plain = path.endsWith('/') ? path.slice(0, -1) : path;
    if (plain.split('/').includes(PROJECT_FOLDER)) return true;
    return excluded.some((prefix) => plain === prefix || plain.startsWith(`${prefix}/`));
  };
}

/** Excluded paths as tree-relative paths with `/` separators; those outside the tree are dropped. */
export function treeRelativePaths(root: string, cwd: string, paths: readonly string[]): string[] {
  return paths
    .map((path) => relative(root, resolve(cwd, path)).split(sep).join('/'))
    .filter((path) => path !== '' && path !== '..' && !path.startsWith('../') && !isAbsolute(path));
}

/**
 * Split the untracked files into those the patch carries and those it leaves out, by
 * lstat alone (no content is read): a file over the per-file limit, or one that would
 * take the carried total over its limit (smallest first, then by path), is left out.
 */
async function partitionUntracked(root: string, paths: readonly string[], limits: ChangeLimits) {
  const sized: Array<{ path: string; bytes: number }> = [];
  for (let i = 0; i < paths.length; i += STAT_BATCH) {
    const batch = paths.slice(i, i + STAT_BATCH);
    const stats = await Promise.all(batch.map((path) => lstat(join(root, path)).catch(() => undefined)));
    for (const [k, path] of batch.entries()) {
      const info = stats[k];
      if (info !== undefined) sized.push({ path, bytes: info.isFile() ? info.size : 0 }); // gone since listed: nothing to carry
    }
  }
  sized.sort((a, b) => a.bytes - b.bytes || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const carried: string[] = [];
  const omitted: OmittedUntrackedFile[] = [];
  let total = 0;
  for (const { path, bytes } of sized) {
    if (bytes > limits.maxUntrackedFileBytes) omitted.push({ path, bytes, reason: 'file-limit' });
    else if (total + bytes > limits.maxUntrackedBytes) omitted.push({ path, bytes, reason: 'total-limit' });
    else {
      total += bytes;
      carried.push(path);
    }
  }
  omitted.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { carried: carried.sort(), omitted };
}

/**
 * Stream the whole uncommitted change of a working tree as one `git apply`-able patch:
 * `git diff <HEAD> --binary` of tracked files plus untracked, non-ignored files within the
 * limits as new files; untracked files under `exclude` (tree-relative) or a `.dotscience`
 * folder are left out entirely. The untracked files are marked intent-to-add in a
 * throw-away copy of the index, so the user's staging area is never touched.
 */
export async function streamUncommittedChange(
  git: GitCli,
  tree: GitWorkingTree,
  scope: { limits: ChangeLimits; exclude: readonly string[] },
  onPatch: (chunk: Buffer) => void,
): Promise<{ omitted: OmittedUntrackedFile[] }> {
  const excluded = excludedBy(scope.exclude);
  const status = await treeStatus(git, tree);
  const untracked = status.untracked.filter((path) => !excluded(path));
  const { carried, omitted } = await partitionUntracked(tree.root, untracked, scope.limits);
  // Nothing tracked differs from HEAD and no untracked file is carried: the patch is empty, so git diff is not run.
  if (!status.trackedChanged && carried.length === 0) return { omitted };
  const base = tree.headCommit ?? (await emptyTreeId(git, tree));
  const scratch = await mkdtemp(join(tmpdir(), 'ds-git-index-'));
  try {
    const env = { GIT_INDEX_FILE: join(scratch, 'index'), GIT_LITERAL_PATHSPECS: '1' };
    await copyIndex(tree.indexFile, env.GIT_INDEX_FILE);
    if (carried.length > 0) {
      const stdin = Buffer.from(carried.join('\0'), 'utf8');
      await git.succeed({ cwd: tree.root, env, stdin, args: ['add', '--intent-to-add', '--pathspec-from-file=-', '--pathspec-file-nul'] });
    }
    await git.succeed({ cwd: tree.root, env, onStdout: onPatch, args: [...PINNED_CONFIG, 'diff', ...PINNED_DIFF, base, '--'] });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return { omitted };
}

/**
 * Copy the index keeping its timestamps. Git trusts an entry's stat data only when the
 * file is older than the index file ("racy git"); a copy stamped *now* would make a file
 * changed in the same second as the last commit (same size) look unchanged, and its
 * change would be missing from the patch. With the original times, git re-reads it.
 */
async function copyIndex(from: string, to: string): Promise<void> {
  try {
    const times = await stat(from);
    await copyFile(from, to);
    await utimes(to, times.atime, times.mtime);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error; // no index yet: nothing staged
  }
}

/**
 * The digest of an uncommitted change: sha256 of the patch bytes, followed (only when some
 * untracked files were left out of the patch) by one record per omitted file in path order:
 * its path and size, never its content.
 * With nothing omitted it is exactly `sha256sum` of the patch.
 */
export class ChangeDigest {
  private readonly hash = createHash('sha256');
  private bytes = 0;

  readonly update = (chunk: Buffer): void => {
    this.bytes += chunk.length;
    this.hash.update(chunk);
  };

  get patchBytes(): number {
    return this.bytes;
  }

  finish(omitted: readonly OmittedUntrackedFile[]): string {
    for (const file of omitted) this.hash.update(`\0omitted ${file.path}\0${file.bytes}\n`, 'utf8');
    return `sha256:${this.hash.digest('hex')}`;
  }
}
