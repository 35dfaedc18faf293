import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodeVersionSchema } from '@dotscience/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GitCodeInspector } from '../../src/workstation/index.js';
import { GitCommandError, ScriptNotFoundError, UncommittedChangeTooLargeError, WorkingDirectoryNotFoundError } from '../../src/workstation/index.js';
import { GitRepository } from './git-repository.js';

const sha256 = (bytes: Uint8Array | string): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

const inspector = new GitCodeInspector();
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step();
});

async function repository(files?: Record<string, string | Uint8Array>): Promise<GitRepository> {
  const repo = await GitRepository.create();
  cleanup.push(() => repo.remove());
  if (files) await repo.commit(files);
  return repo;
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ds-not-a-repo-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

beforeAll(() => {
  // Never let a repository enclosing the temp directory answer for "not a repository".
  process.env['GIT_CEILING_DIRECTORIES'] = tmpdir();
});

describe('GitCodeInspector.inspect', () => {
  it('given a clean repository, when inspected, then it records HEAD, the branch, its author and dirty=false without a diff digest', async () => {
    const repo = await repository({ 'train.py': 'print(1)\n' });
    const version = await inspector.inspect(repo.dir);
    expect(version).toEqual({ gitCommit: repo.git('rev-parse', 'HEAD'), gitBranch: 'main', gitAuthor: 'Test <test@example.com>', dirty: false });
    expect(CodeVersionSchema.parse(version)).toEqual(version);
  });

  it('given a modified tracked file, then it is dirty and the digest is the sha256 of the captured patch', async () => {
    const repo = await repository({ 'train.py': 'print(1)\n' });
    await repo.write('train.py', 'print(2)\n');
    const version = await inspector.inspect(repo.dir);
    const change = await inspector.captureDiff(repo.dir);
    expect(version.dirty).toBe(true);
    expect(version.diffDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(change?.diffDigest).toBe(version.diffDigest);
    expect(sha256(change!.patch)).toBe(version.diffDigest);
    expect(Buffer.from(change!.patch).toString('utf8')).toContain('+print(2)');
  });

  it('given an untracked file that is not ignored, then it is dirty', async () => {
    const repo = await repository({ 'train.py': 'print(1)\n' });
    await repo.write('notes/new.py', 'x = 1\n');
    const version = await inspector.inspect(repo.dir);
    expect(version.dirty).toBe(true);
    expect(Buffer.from((await inspector.captureDiff(repo.dir))!.patch).toString('utf8')).toContain('+++ b/notes/new.py');
  });

  it('given only an ignored file, then it is clean', async () => {
    const repo = await repository({ 'train.py': 'print(1)\n', '.gitignore': 'data/\n*.log\n' });
    await repo.write('data/big.csv', 'a,b\n1,2\n');
    await repo.write('run.log', 'noise');
    const version = await inspector.inspect(repo.dir);
    expect(version.dirty).toBe(false);
    expect(version.diffDigest).toBeUndefined();
  });

  it('given a staged change, then it is dirty, and the user index is left byte-for-byte untouched', async () => {
    const repo = await repository({ 'train.py': 'print(1)\n' });
    await repo.write('train.py', 'print(3)\n');
    await repo.write('extra.py', 'y = 2\n');
    repo.git('add', 'train.py');
    const indexBefore = await readFile(join(repo.dir, '.git', 'index'));
    const version = await inspector.inspect(repo.dir);
    expect(version.dirty).toBe(true);
    expect(await readFile(join(repo.dir, '.git', 'index'))).toEqual(indexBefore);
    expect(repo.git('status', '--porcelain')).toBe('M  train.py\n?? extra.py');
  });

  it('given a repository with no commits yet, then there is a branch but no commit, and its files make it dirty', async () => {
    const repo = await repository();
    expect(await inspector.inspect(repo.dir)).toEqual({ gitBranch: 'main', dirty: false });
    await repo.write('train.py', 'print(1)\n');
    await repo.write('staged.py', 'print(0)\n');
    repo.git('add', 'staged.py');
    const version = await inspector.inspect(repo.dir);
    expect(version).toMatchObject({ gitBranch: 'main', dirty: true });
    expect(version.gitCommit).toBeUndefined();
    const patch = Buffer.from((await inspector.captureDiff(repo.dir))!.patch).toString('utf8');
    expect(patch).toContain('+++ b/train.py');
    expect(patch).toContain('+++ b/staged.py');
  });

  it('given a directory outside any repository, then the code version has no git fields, only the script digest', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'train.py'), 'print(1)\n');
    expect(await inspector.inspect(dir)).toEqual({});
    expect(await inspector.inspect(dir, 'train.py')).toEqual({ scriptDigest: sha256('print(1)\n') });
    expect(await inspector.captureDiff(dir)).toBeUndefined();
  });

  it('given git is not installed, then the code version has no git fields and nothing fails', async () => {
    const repo = await repository({ 'train.py': 'print(1)\n' });
    const withoutGit = new GitCodeInspector({ gitBinary: 'ds-no-such-git-binary' });
    expect(await withoutGit.inspect(repo.dir, 'train.py')).toEqual({ scriptDigest: sha256('print(1)\n') });
  });

  it('given a detached HEAD, then there is a commit but no branch', async () => {
    const repo = await repository({ 'a.py': '1\n' });
    const first = repo.git('rev-parse', 'HEAD');
    await repo.commit({ 'a.py': '2\n' });
    repo.git('checkout', '-q', '--detach', first);
    expect(await inspector.inspect(repo.dir)).toEqual({ gitCommit: first, gitAuthor: 'Test <test@example.com>', dirty: false });
  });

  it('given a subdirectory as cwd, then changes anywhere in the working tree count', async () => {
    const repo = await repository({ 'src/model.py': 'm\n', 'top.py': 't\n' });
    await repo.write('other/untracked.py', 'u\n');
    const version = await inspector.inspect(join(repo.dir, 'src'));
    expect(version.dirty).toBe(true);
    expect(version.diffDigest).toBe((await inspector.inspect(repo.dir)).diffDigest);
  });

  it('records the sha256 of the script relative to cwd, and names a script that cannot be read', async () => {
    const repo = await repository({ 'src/train.py': 'fit()\n' });
    const version = await inspector.inspect(repo.dir, 'src/train.py');
    expect(version.scriptDigest).toBe(sha256('fit()\n'));
    const missing = inspector.inspect(repo.dir, 'src/nope.py');
    await expect(missing).rejects.toBeInstanceOf(ScriptNotFoundError);
    await expect(missing).rejects.toThrow(join(repo.dir, 'src/nope.py'));
  });

  it('refuses a working directory that does not exist, naming it', async () => {
    const dir = join(tmpdir(), `ds-missing-${randomBytes(4).toString('hex')}`);
    await expect(inspector.inspect(dir)).rejects.toBeInstanceOf(WorkingDirectoryNotFoundError);
    await expect(inspector.inspect(dir)).rejects.toThrow(dir);
  });

  it('turns a git that does not answer in time into a GitCommandError', async () => {
    const dir = await tempDir();
    const slowGit = join(dir, 'slow-git');
    await writeFile(slowGit, '#!/bin/sh\nsleep 10\n');
    await chmod(slowGit, 0o755);
    const impatient = new GitCodeInspector({ gitBinary: slowGit, timeoutMs: 200, timeoutSetting: 'DOTSCIENCE_CODE_GIT_TIMEOUT_MS' });
    await expect(impatient.inspect(dir)).rejects.toBeInstanceOf(GitCommandError);
    await expect(impatient.inspect(dir)).rejects.toThrow(/no answer within 200 ms — for a very large repository raise DOTSCIENCE_CODE_GIT_TIMEOUT_MS/);
  });
});

describe('diff digest identity', () => {
  async function dirtyState(repo: GitRepository, change: string): Promise<void> {
    await repo.commit({ 'train.py': 'a\nb\nc\n', 'model.bin': Buffer.from([0, 1, 2, 3]) });
    await repo.write('train.py', `a\n${change}\nc\n`);
    await repo.write('model.bin', Buffer.from([0, 1, 2, 3, 4, 0, 255]));
    await repo.write('new/notes.md', '# notes\n');
  }

  it('given two repositories with identical dirty states, then the digests are identical', async () => {
    const [one, two] = [await repository(), await repository()];
    await dirtyState(one, 'B');
    await two.write('unrelated-history.txt', 'x');
    await two.commit({}, 'a different first commit');
    repoRm(two, 'unrelated-history.txt');
    await dirtyState(two, 'B');
    const [a, b] = [await inspector.inspect(one.dir), await inspector.inspect(two.dir)];
    expect(a.gitCommit).not.toBe(b.gitCommit);
    expect(a.diffDigest).toBeDefined();
    expect(a.diffDigest).toBe(b.diffDigest);
  });

  it('given different dirty states, then the digests differ', async () => {
    const [one, two] = [await repository(), await repository()];
    await dirtyState(one, 'B');
    await dirtyState(two, 'X');
    expect((await inspector.inspect(one.dir)).diffDigest).not.toBe((await inspector.inspect(two.dir)).diffDigest);
  });

  it('given a same-size change made in the same second as the commit, when inspected a second later, then the change is in the patch and the digest (racy git)', async () => {
    const repo = await repository();
    await repo.commit({ 'train.py': 'a\nb\nc\n' });
    await repo.write('train.py', 'a\nB\nc\n'); // same size, same second: only a content check sees it
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const change = (await inspector.captureDiff(repo.dir))!;
    expect(Buffer.from(change.patch).toString('utf8')).toContain('+B');
    expect((await inspector.inspect(repo.dir)).diffDigest).toBe(sha256(change.patch));
  });

  it("does not depend on the user's diff configuration (prefixes, algorithm, colour, abbreviation)", async () => {
    const repo = await repository();
    await dirtyState(repo, 'B');
    const before = await inspector.inspect(repo.dir);
    for (const [key, value] of [
      ['diff.noprefix', 'true'],
      ['diff.algorithm', 'patience'],
      ['color.ui', 'always'],
      ['diff.context', '7'],
      ['core.abbrev', '12'],
      ['diff.renames', 'copies'],
    ]) {
      repo.git('config', key!, value!);
    }
    expect(await inspector.inspect(repo.dir)).toEqual(before);
  });
});

function repoRm(repo: GitRepository, path: string): void {
  repo.git('rm', '-q', path);
  repo.git('commit', '-q', '-m', 'remove');
}

describe('GitCodeInspector.captureDiff', () => {
  it('gives a patch that restores the exact working tree on a clean checkout of the base commit', async () => {
    const repo = await repository({ 'train.py': 'a\nb\n', 'gone.py': 'bye\n', 'weights.bin': randomBytes(300) });
    await repo.write('train.py', 'a\nb\nc\n');
    repo.git('rm', '-q', 'gone.py');
    const weights = randomBytes(500);
    await repo.write('weights.bin', weights);
    await repo.write('sub/dir/new file.py', 'spaces\n');
    const blob = randomBytes(200);
    await repo.write('blob.dat', blob);
    const change = (await inspector.captureDiff(repo.dir))!;
    expect(change.repository).toBe(repo.git('rev-parse', '--show-toplevel'));
    expect(change.omitted).toEqual([]);

    const clone = await tempDir();
    execFileSync('git', ['clone', '-q', repo.dir, clone]);
    execFileSync('git', ['checkout', '-q', change.baseCommit!], { cwd: clone });
    execFileSync('git', ['apply', '--binary', '-'], { cwd: clone, input: change.patch });
    expect(await readFile(join(clone, 'train.py'), 'utf8')).toBe('a\nb\nc\n');
    expect(await readFile(join(clone, 'weights.bin'))).toEqual(weights);
    expect(await readFile(join(clone, 'blob.dat'))).toEqual(blob);
    expect(await readFile(join(clone, 'sub/dir/new file.py'), 'utf8')).toBe('spaces\n');
    await expect(readFile(join(clone, 'gone.py'))).rejects.toThrow();
    expect((await inspector.inspect(clone)).diffDigest).toBe(change.diffDigest);
  });

  it('gives an empty patch and no digest for a clean tree', async () => {
    const repo = await repository({ 'a.py': '1\n' });
    const change = await inspector.captureDiff(repo.dir);
    expect(change).toEqual({
      repository: repo.git('rev-parse', '--show-toplevel'),
      baseCommit: repo.git('rev-parse', 'HEAD'),
      patch: Buffer.alloc(0),
      omitted: [],
    });
  });

  it('leaves untracked files above the size limit out of the patch, counting them in the digest by path and size', async () => {
    const small = new GitCodeInspector({ maxUntrackedFileBytes: 100 });
    const repo = await repository({ 'a.py': '1\n' });
    await repo.write('dataset.csv', 'x'.repeat(500));
    const first = (await small.captureDiff(repo.dir))!;
    expect(first.patch.length).toBe(0);
    expect(first.omitted).toEqual([{ path: 'dataset.csv', bytes: 500, reason: 'file-limit' }]);
    expect(await small.inspect(repo.dir)).toMatchObject({
      dirty: true,
      diffDigest: first.diffDigest,
      omittedUntracked: { files: 1, bytes: 500, listed: [{ path: 'dataset.csv', bytes: 500, reason: 'file-limit' }] },
    });
    await repo.write('dataset.csv', 'y'.repeat(501));
    expect((await small.captureDiff(repo.dir))!.diffDigest).not.toBe(first.diffDigest);
  });

  it('refuses to hold a patch larger than maxPatchBytes, naming the repository', async () => {
    const repo = await repository({ 'a.py': '1\n' });
    await repo.write('a.py', 'changed\n'.repeat(100));
    const tiny = new GitCodeInspector({ maxPatchBytes: 64 });
    await expect(tiny.captureDiff(repo.dir)).rejects.toBeInstanceOf(UncommittedChangeTooLargeError);
    await expect(tiny.captureDiff(repo.dir)).rejects.toThrow(repo.dir);
    expect((await tiny.inspect(repo.dir)).dirty).toBe(true); // inspect streams: no limit applies
  });
});

/** The real git, behind a script that writes each command line it is given to a log first. */
async function loggingGit(): Promise<{ binary: string; commands: () => Promise<string[]> }> {
  const dir = await tempDir();
  const binary = join(dir, 'git');
  const log = join(dir, 'commands.log');
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  await writeFile(binary, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${realGit}' "$@"\n`);
  await chmod(binary, 0o755);
  return { binary, commands: async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter((line) => line.length > 0) };
}

describe('GitCodeInspector: the git processes one inspection takes', () => {
  it('given a clean repository, when inspected, then git runs four times (tree and HEAD, branch, author, status) and never diff', async () => {
    const repo = await repository({ 'train.py': 'print(1)\n' });
    const git = await loggingGit();
    const version = await new GitCodeInspector({ gitBinary: git.binary }).inspect(repo.dir);
    expect(version).toEqual({ gitCommit: repo.git('rev-parse', 'HEAD'), gitBranch: 'main', gitAuthor: 'Test <test@example.com>', dirty: false });
    const commands = await git.commands();
    expect(commands.map((line) => line.split(' ')[0]).sort()).toEqual(['log', 'rev-parse', 'status', 'symbolic-ref']);
  });

  it('given only untracked files the caller excludes, then the tree is clean without a diff', async () => {
    const repo = await repository({ 'train.py': 'print(1)\n' });
    await repo.write('outputs/model.bin', 'weights');
    const git = await loggingGit();
    const version = await new GitCodeInspector({ gitBinary: git.binary }).inspect(repo.dir, undefined, { exclude: ['outputs'] });
    expect(version.dirty).toBe(false);
    expect((await git.commands()).some((line) => line.includes(' diff '))).toBe(false);
  });

  it('given a modified tracked file, then git diff runs and the tree is dirty', async () => {
    const repo = await repository({ 'train.py': 'print(1)\n' });
    await repo.write('train.py', 'print(2)\n');
    const git = await loggingGit();
    const version = await new GitCodeInspector({ gitBinary: git.binary }).inspect(repo.dir);
    expect(version.dirty).toBe(true);
    expect((await git.commands()).some((line) => line.includes(' diff '))).toBe(true);
  });

  it('given a submodule checked out at a commit other than the recorded one, then the tree is dirty (status sees submodules as the patch does)', async () => {
    const repo = await repository({ 'train.py': 'print(1)\n' });
    await repo.write('lib/util.py', 'x = 1\n');
    const commit = (...args: string[]) => repo.git('-C', 'lib', ...args);
    commit('init', '-q', '-b', 'main');
    commit('add', '--all');
    commit('-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '-q', '-m', 'lib');
    repo.git('-c', 'advice.addEmbeddedRepo=false', 'add', 'lib');
    repo.git('commit', '-q', '-m', 'add lib as a gitlink');
    expect((await new GitCodeInspector().inspect(repo.dir)).dirty).toBe(false);
    await repo.write('lib/util.py', 'x = 2\n');
    commit('-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '-q', '-a', '-m', 'lib moves on');
    const version = await new GitCodeInspector().inspect(repo.dir);
    expect(version.dirty).toBe(true);
    expect(version.diffDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('given a repository with no commit yet, then it is located in steps: a branch, no commit', async () => {
    const repo = await repository();
    const version = await new GitCodeInspector().inspect(repo.dir);
    expect(version).toEqual({ gitBranch: 'main', dirty: false });
  });
});
