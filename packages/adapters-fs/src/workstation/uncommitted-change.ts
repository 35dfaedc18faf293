import { createHash } from 'node:crypto';
import { copyFile, lstat, mkdtemp, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileDigest } from './file-digest.js';
import type { GitCli } from './git-cli.js';
import { emptyTreeId, type GitWorkingTree } from './git-working-tree.js';

/** An untracked file too large to carry in the patch: it counts in the digest by path, size and content digest. */
export interface OmittedUntrackedFile {
  /** Path relative to the top of the working tree. */
  readonly path: string;
  readonly bytes: number;
  readonly digest: string;
}

export interface ChangeLimits {
  /** Untracked files larger than this stay out of the patch (they are data, not code). */
  readonly maxUntrackedFileBytes: number;
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

async function untrackedFiles(git: GitCli, tree: GitWorkingTree): Promise<string[]> {
  const out = await git.succeed({ cwd: tree.root, args: ['ls-files', '--others', '--exclude-standard', '-z'] });
  return (out ?? Buffer.alloc(0))
    .toString('utf8')
    .split('\0')
    .filter((path) => path.length > 0)
    .sort();
}

/** Split the untracked files into those the patch carries and those too large for it. */
async function partitionUntracked(root: string, paths: readonly string[], limits: ChangeLimits) {
  const carried: string[] = [];
  const omitted: OmittedUntrackedFile[] = [];
  for (let i = 0; i < paths.length; i += STAT_BATCH) {
    const batch = paths.slice(i, i + STAT_BATCH);
    const stats = await Promise.all(batch.map((path) => lstat(join(root, path)).catch(() => undefined)));
    for (const [k, path] of batch.entries()) {
      const stat = stats[k];
      if (stat === undefined) continue; // deleted since listed
      if (stat.isFile() && stat.size > limits.maxUntrackedFileBytes) {
        omitted.push({ path, bytes: stat.size, digest: await fileDigest(join(root, path)) });
      } else carried.push(path);
    }
  }
  return { carried, omitted };
}

/**
 * Stream the whole uncommitted change of a working tree as one `git apply`-able patch:
 * `git diff <HEAD> --binary` of tracked files plus untracked, non-ignored files as new
 * files. The untracked files are marked intent-to-add in a throw-away copy of the index,
 * so the user's staging area is never touched.
 */
export async function streamUncommittedChange(
  git: GitCli,
  tree: GitWorkingTree,
  limits: ChangeLimits,
  onPatch: (chunk: Buffer) => void,
): Promise<{ omitted: OmittedUntrackedFile[] }> {
  const { carried, omitted } = await partitionUntracked(tree.root, await untrackedFiles(git, tree), limits);
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
 * untracked files were too large for the patch) by one record per omitted file in path order.
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
    for (const file of omitted) this.hash.update(`\0omitted ${file.path}\0${file.bytes}\0${file.digest}\n`, 'utf8');
    return `sha256:${this.hash.digest('hex')}`;
  }
}
