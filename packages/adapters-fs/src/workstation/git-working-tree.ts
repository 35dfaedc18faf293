import { resolve } from 'node:path';
import type { GitCli } from './git-cli.js';
import { GitCommandError } from './workstation-errors.js';

/** The git working tree a directory belongs to. */
export interface GitWorkingTree {
  /** Absolute path of the top of the working tree. */
  readonly root: string;
  /** Absolute path of the index file (the staging area). */
  readonly indexFile: string;
  /** HEAD's commit sha; absent in a repository with no commits yet. */
  readonly headCommit?: string;
  /** Current branch; absent when HEAD is detached. */
  readonly branch?: string;
  /** HEAD's author, `Name <email>`; absent with no commits. */
  readonly headAuthor?: string;
}

/** Messages (under LC_ALL=C) by which git says there is no working tree here: not an error for the inspector. */
const NO_WORKING_TREE = /not a git repository|must be run in a work tree/i;

const lines = (out: Buffer): string[] =>
  out
    .toString('utf8')
    .split('\n')
    .filter((line) => line.length > 0);

/**
 * The working tree containing `cwd`, or `undefined` when `cwd` is in none or git is not installed.
 * A repository git refuses to read (unsafe ownership, corruption) is a GitCommandError.
 * Three git processes, at once: one for the top, the index and HEAD's commit, one for the branch, one for
 * HEAD's author (a repository with no commit yet takes the way of `locateWithoutHeadCommit`).
 */
export async function locateWorkingTree(git: GitCli, cwd: string): Promise<GitWorkingTree | undefined> {
  const [located, branch, author] = await Promise.all([
    git.run({ cwd, args: ['rev-parse', '--show-toplevel', '--git-path', 'index', 'HEAD^{commit}', '--'] }),
    git.run({ cwd, args: ['symbolic-ref', '-q', '--short', 'HEAD'] }),
    git.run({ cwd, args: ['log', '-1', '--format=%H%n%an <%ae>', 'HEAD', '--'] }),
  ]);
  if (located === undefined) return undefined;
  if (located.exitCode !== 0) return NO_WORKING_TREE.test(located.stderr) ? undefined : locateWithoutHeadCommit(git, cwd);
  const [root, indexPath, headCommit] = lines(located.stdout);
  if (root === undefined || indexPath === undefined || headCommit === undefined) return locateWithoutHeadCommit(git, cwd);
  const branchName = branch?.exitCode === 0 ? lines(branch.stdout)[0] : undefined;
  // The author of the commit rev-parse named (HEAD could move between the two processes: then no author).
  const [authoredCommit, headAuthor] = author?.exitCode === 0 ? lines(author.stdout) : [];
  return {
    root,
    indexFile: resolve(cwd, indexPath),
    headCommit,
    ...(branchName !== undefined ? { branch: branchName } : {}),
    ...(authoredCommit === headCommit && headAuthor !== undefined ? { headAuthor } : {}),
  };
}

/** The working tree asked in steps: the top and the index first, then HEAD's commit (absent before the first commit) and the branch. */
async function locateWithoutHeadCommit(git: GitCli, cwd: string): Promise<GitWorkingTree | undefined> {
  const args = ['rev-parse', '--show-toplevel', '--git-path', 'index'];
  const located = await git.run({ cwd, args });
  if (located === undefined) return undefined;
  if (located.exitCode !== 0) {
    if (NO_WORKING_TREE.test(located.stderr)) return undefined;
    throw new GitCommandError(cwd, args, `exit code ${located.exitCode}: ${located.stderr.trim() || 'no message'}`);
  }
  const [root, indexPath] = lines(located.stdout);
  if (root === undefined || indexPath === undefined) throw new GitCommandError(cwd, args, 'unexpected output');
  const [head, branch, author] = await Promise.all([
    git.run({ cwd: root, args: ['rev-parse', '-q', '--verify', 'HEAD^{commit}'] }),
    git.run({ cwd: root, args: ['symbolic-ref', '-q', '--short', 'HEAD'] }),
    git.run({ cwd: root, args: ['log', '-1', '--format=%an <%ae>', 'HEAD'] }),
  ]);
  const headCommit = head?.exitCode === 0 ? lines(head.stdout)[0] : undefined;
  const branchName = branch?.exitCode === 0 ? lines(branch.stdout)[0] : undefined;
  const headAuthor = headCommit !== undefined && author?.exitCode === 0 ? lines(author.stdout)[0] : undefined;
  return {
    root,
    indexFile: resolve(cwd, indexPath),
    ...(headCommit !== undefined ? { headCommit } : {}),
    ...(branchName !== undefined ? { branch: branchName } : {}),
    ...(headAuthor !== undefined ? { headAuthor } : {}),
  };
}

/** The id of the empty tree in this repository's hash algorithm (what a repository with no commits diffs against). */
export async function emptyTreeId(git: GitCli, tree: GitWorkingTree): Promise<string> {
  const out = await git.succeed({ cwd: tree.root, args: ['hash-object', '-t', 'tree', '--stdin'] });
  const id = out === undefined ? undefined : lines(out)[0];
  if (id === undefined) throw new GitCommandError(tree.root, ['hash-object', '-t', 'tree', '--stdin'], 'no object id printed');
  return id;
}
