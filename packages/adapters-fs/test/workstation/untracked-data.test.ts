import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GitCodeInspector } from '../../src/workstation/index.js';
import { GitRepository } from './git-repository.js';

/**
 * The code inspector and untracked data in the working tree: data is never read (lstat
 * alone decides what the patch carries), what is left out is named with its size, and
 * tracked changes and small untracked code are still in the patch.
 */

const GiB = 1024 ** 3;
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step();
});
beforeAll(() => {
  process.env['GIT_CEILING_DIRECTORIES'] = tmpdir();
});

async function repository(files: Record<string, string>): Promise<GitRepository> {
  const repo = await GitRepository.create();
  cleanup.push(() => repo.remove());
  await repo.commit(files);
  return repo;
}

/** A sparse file: `bytes` long, costing no disk, but reading it means reading every byte. */
async function sparse(repo: GitRepository, path: string, bytes: number): Promise<void> {
  await mkdir(join(repo.dir, path, '..'), { recursive: true });
  await writeFile(join(repo.dir, path), '');
  await truncate(join(repo.dir, path), bytes);
}

/** Bytes this process has read through read(2) and friends so far (Linux `rchar`). */
function bytesReadByThisProcess(): number {
  const line = readFileSync('/proc/self/io', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('rchar:'));
  return Number(line!.slice('rchar:'.length));
}

/** Files in a patch, from its `diff --git a/<path> b/<path>` headers. */
const patchedFiles = (patch: Uint8Array): string[] =>
  [
    ...Buffer.from(patch)
      .toString('utf8')
      .matchAll(/^diff --git a\/(\S+) b\//gm),
  ].map((m) => m[1]!);

describe('GitCodeInspector and untracked data', () => {
  it('given 4 GiB of untracked data, when inspected, then not one byte of it is read and it is listed by path and size', async () => {
    const repo = await repository({ 'train.py': 'fit()\n' });
    await sparse(repo, 'data/big.bin', 4 * GiB);
    const inspector = new GitCodeInspector();
    const before = bytesReadByThisProcess();
    const version = await inspector.inspect(repo.dir);
    const change = (await inspector.captureDiff(repo.dir))!;
    expect(bytesReadByThisProcess() - before).toBeLessThan(16 * 1024 * 1024);
    expect(version).toMatchObject({
      dirty: true,
      diffDigest: change.diffDigest,
      omittedUntracked: { files: 1, bytes: 4 * GiB, listed: [{ path: 'data/big.bin', bytes: 4 * GiB, reason: 'file-limit' }] },
    });
    expect(change.patch.length).toBe(0);
  });

  it('given tracked changes, small untracked code and untracked data, then the patch carries the change and the code, not the data', async () => {
    const repo = await repository({ 'train.py': 'fit()\n' });
    await repo.write('train.py', 'fit(epochs=3)\n');
    await repo.write('features.py', 'def f(): pass\n');
    await sparse(repo, 'data/part-1.bin', 64 * 1024 * 1024);
    const change = (await new GitCodeInspector().captureDiff(repo.dir))!;
    expect(patchedFiles(change.patch)).toEqual(['features.py', 'train.py']);
    expect(change.omitted).toEqual([{ path: 'data/part-1.bin', bytes: 64 * 1024 * 1024, reason: 'file-limit' }]);
  });

  it('given untracked files under the per-file limit that add up past the total, then the smallest are carried and the rest listed as over the total', async () => {
    const repo = await repository({ 'train.py': 'fit()\n' });
    await repo.write('b.py', 'b'.repeat(40));
    await repo.write('a.py', 'a'.repeat(40));
    await repo.write('c.csv', 'c'.repeat(30));
    await repo.write('d.csv', 'd'.repeat(50));
    const inspector = new GitCodeInspector({ maxUntrackedFileBytes: 60, maxUntrackedBytes: 100 });
    const change = (await inspector.captureDiff(repo.dir))!;
    expect(patchedFiles(change.patch)).toEqual(['a.py', 'c.csv']);
    expect(change.omitted).toEqual([
      { path: 'b.py', bytes: 40, reason: 'total-limit' },
      { path: 'd.csv', bytes: 50, reason: 'total-limit' },
    ]);
  });

  it('lists every untracked file of an untracked directory on its own', async () => {
    const repo = await repository({ 'train.py': 'fit()\n' });
    await repo.write('new/src/model.py', 'm\n');
    await sparse(repo, 'new/data/x.bin', 2 * 1024 * 1024);
    const change = (await new GitCodeInspector().captureDiff(repo.dir))!;
    expect(patchedFiles(change.patch)).toEqual(['new/src/model.py']);
    expect(change.omitted.map((file) => file.path)).toEqual(['new/data/x.bin']);
  });

  it('given excluded paths and a .dotscience folder, then nothing under them makes the tree dirty, relative to cwd or absolute', async () => {
    const repo = await repository({ 'src/train.py': 'fit()\n' });
    await repo.write('src/out/preds.csv', 'id,p\n');
    await repo.write('data/in.csv', 'x\n');
    await sparse(repo, 'data/raw/big.bin', 4 * GiB);
    await repo.write('.dotscience/events/00001.log', 'events');
    await repo.write('src/.dotscience/data/blob', 'blob');
    const inspector = new GitCodeInspector();
    const exclude = ['out/preds.csv', join(repo.dir, 'data')];
    expect(await inspector.inspect(join(repo.dir, 'src'), undefined, { exclude })).toMatchObject({ dirty: false });
    const partly = await inspector.inspect(join(repo.dir, 'src'), undefined, { exclude: ['out'] });
    expect(partly).toMatchObject({ dirty: true, omittedUntracked: { listed: [{ path: 'data/raw/big.bin' }] } });
    expect(patchedFiles((await inspector.captureDiff(join(repo.dir, 'src'), { exclude: ['out'] }))!.patch)).toEqual(['data/in.csv']);
  });

  it('gives a patch that git applies on a clean checkout, restoring the carried files and not the data', async () => {
    const repo = await repository({ 'train.py': 'fit()\n' });
    await repo.write('train.py', 'fit(epochs=3)\n');
    await repo.write('features.py', 'def f(): pass\n');
    await sparse(repo, 'data/big.bin', GiB);
    const change = (await new GitCodeInspector().captureDiff(repo.dir))!;
    const clone = await GitRepository.create('ds-git-clone-');
    cleanup.push(() => clone.remove());
    execFileSync('git', ['fetch', '-q', repo.dir, 'main'], { cwd: clone.dir });
    execFileSync('git', ['checkout', '-q', 'FETCH_HEAD'], { cwd: clone.dir });
    execFileSync('git', ['apply', '--binary', '-'], { cwd: clone.dir, input: change.patch });
    expect(readFileSync(join(clone.dir, 'train.py'), 'utf8')).toBe('fit(epochs=3)\n');
    expect(readFileSync(join(clone.dir, 'features.py'), 'utf8')).toBe('def f(): pass\n');
    expect(clone.git('status', '--porcelain', '-uall')).toBe('M train.py\n?? features.py');
  });
});
