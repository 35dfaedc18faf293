import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORE_GITIGNORE, openDotscience } from '../src/index.js';

describe('a local store inside a git repository', () => {
  let repo: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_CEILING_DIRECTORIES: tmpdir() } });

  beforeEach(async () => {
    repo = await mkdtemp(join(tmpdir(), 'ds-gitignore-'));
    git('init', '-q');
    git('config', 'user.email', 'test@example.com');
    git('config', 'user.name', 'test');
    await writeFile(join(repo, 'train.py'), 'print(1)\n');
    git('add', '.');
    git('commit', '-q', '-m', 'code');
  });
  afterEach(() => rm(repo, { recursive: true, force: true }));

  it('given a clean repository, when the store is opened and written, then git still sees a clean tree and the run is not dirty', async () => {
    const ds = await openDotscience({ cwd: repo, env: {}, hashWorkers: 1 });
    await ds.data.capture(join(repo, 'train.py'));
    const code = await ds.code.inspect(repo);
    await ds.close();
    expect(git('status', '--porcelain')).toBe('');
    expect(code).toMatchObject({ dirty: false });
    expect(await readFile(join(repo, '.dotscience', '.gitignore'), 'utf8')).toBe(STORE_GITIGNORE);
  });

  it('given the project config, when it is added on purpose, then git tracks it and nothing else of the store', async () => {
    const ds = await openDotscience({ cwd: repo, env: {}, hashWorkers: 1 });
    await ds.close();
    await writeFile(join(repo, '.dotscience', 'config.json'), '{"project":"iris"}\n');
    expect(git('status', '--porcelain', '--untracked-files=all')).toBe('');
    git('add', '-f', '.dotscience/config.json');
    expect(git('status', '--porcelain', '--untracked-files=all')).toBe('A  .dotscience/config.json\n');
  });

  it('given a .gitignore the user wrote in the store, when opened, then it is left as it was', async () => {
    const ds = await openDotscience({ cwd: repo, env: {}, hashWorkers: 1 });
    await ds.close();
    await writeFile(join(repo, '.dotscience', '.gitignore'), 'events/\n');
    const again = await openDotscience({ cwd: repo, env: {}, hashWorkers: 1 });
    await again.close();
    expect(await readFile(join(repo, '.dotscience', '.gitignore'), 'utf8')).toBe('events/\n');
  });
});
