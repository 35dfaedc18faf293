import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

async function git(cwd: string, args: string[]): Promise<string | undefined> {
  try {
    const { stdout } = await run('git', args, { cwd, maxBuffer: 16 * 1024 * 1024 });
    return stdout.trim();
  } catch {
    return undefined;
  }
}

/** The top of the git working tree holding `directory`, if it is in one. */
export async function workingTreeOf(directory: string): Promise<string | undefined> {
  if (!existsSync(directory)) return undefined;
  return git(directory, ['rev-parse', '--show-toplevel']);
}

/** The first of the repositories that has `commit`, with the commit's full id. */
export async function repositoryWithCommit(repositories: readonly string[], commit: string): Promise<string | undefined> {
  for (const repository of repositories) {
    if ((await git(repository, ['cat-file', '-e', `${commit}^{commit}`])) !== undefined) return repository;
  }
  return undefined;
}

/**
 * A checkout of `commit` at `target`: a local clone (objects hard-linked, the
 * original repository untouched) with the commit checked out detached, so the
 * user can diff, build and re-run in it.
 */
export async function checkoutCommit(repository: string, commit: string, target: string): Promise<void> {
  await run('git', ['clone', '--quiet', '--no-checkout', repository, target]);
  await run('git', ['-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--detach', commit], { cwd: target });
}

/** Where `directory` sits inside the working tree `top` ('' at the top). */
export function placeInTree(top: string, directory: string): string {
  const place = relative(top, directory);
  return place.startsWith('..') ? '' : place;
}

/**
 * Apply a patch made by the code inspector (`git diff --binary` of tracked changes plus
 * untracked files as new files) to the working tree `tree`, touching neither the index
 * nor HEAD: the tree then shows the same uncommitted change the run had. Whitespace
 * rules from the user's git configuration are ignored (the patch must go in as it is).
 */
export async function applyPatch(tree: string, patchFile: string): Promise<void> {
  await run('git', ['apply', '--whitespace=nowarn', patchFile], { cwd: tree, maxBuffer: 16 * 1024 * 1024 });
}
