import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsDataStore, GitCodeInspector, type UncommittedChange } from '@dotscience/adapters-fs';
import type { CodeInspectionOptions, CodeVersion } from '@dotscience/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PatchRecordingCodeInspector, uncommittedChangeDigest, type UncommittedChangeSource } from '../../src/index.js';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], { cwd, encoding: 'utf8' }).trim();
}

/** The real git inspector, counting how often the change itself is asked for. */
class CountingGitInspector implements UncommittedChangeSource {
  captures = 0;
  constructor(private readonly git = new GitCodeInspector()) {}
  inspect(cwd: string, script?: string, options?: CodeInspectionOptions): Promise<CodeVersion> {
    return this.git.inspect(cwd, script, options);
  }
  captureDiff(cwd: string, options?: CodeInspectionOptions): Promise<UncommittedChange | undefined> {
    this.captures++;
    return this.git.captureDiff(cwd, options);
  }
}

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

describe('PatchRecordingCodeInspector', () => {
  let root: string;
  let repo: string;
  let scratch: string;
  let store: FsDataStore;
  let warnings: string[];

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'ds-code-versions-'));
    repo = join(root, 'repo');
    scratch = join(root, 'scratch');
    mkdirSync(repo);
    mkdirSync(scratch);
    writeFileSync(join(repo, 'train.py'), 'print("train")\n');
    writeFileSync(join(repo, '.gitignore'), 'data/\n');
    git(repo, 'init', '--quiet');
    git(repo, 'add', '.');
    git(repo, 'commit', '--quiet', '-m', 'first');
    store = new FsDataStore({ directory: join(root, 'store'), workers: 1 });
    warnings = [];
  });
  afterEach(async () => {
    await store.close();
    await rm(root, { recursive: true, force: true });
  });

  const inspector = (source: UncommittedChangeSource, data = store) =>
    new PatchRecordingCodeInspector(source, data, { warn: (message) => warnings.push(message), temporaryDirectory: scratch });

  it('given a clean working tree, when inspected, then the code version has no patch, the change is never captured and nothing is stored', async () => {
    const source = new CountingGitInspector();
    const version = await inspector(source).inspect(repo);
    expect(version).toEqual(await new GitCodeInspector().inspect(repo));
    expect(version.dirty).toBe(false);
    expect(version.patch).toBeUndefined();
    expect(source.captures).toBe(0);
    expect(store.stats.objectsStored).toBe(0);
    expect(warnings).toEqual([]);
  });

  it('given a modified tracked file and new untracked files, when inspected, then the patch is stored, its digest is the diff digest, and applied to a clone of the commit it gives the same tree', async () => {
    writeFileSync(join(repo, 'train.py'), 'print("train, edited")\n');
    writeFileSync(join(repo, 'features.py'), 'FEATURES = ["x"]\n');
    writeFileSync(join(repo, 'run.sh'), '#!/bin/sh\necho run\n');
    chmodSync(join(repo, 'run.sh'), 0o755);
    writeFileSync(join(repo, 'weights.bin'), Buffer.from([0, 1, 2, 255, 0, 7]));
    mkdirSync(join(repo, 'data'));
    writeFileSync(join(repo, 'data', 'ignored.csv'), 'a,b\n');

    const source = new CountingGitInspector();
    const version = await inspector(source).inspect(repo, 'train.py');

    expect(source.captures).toBe(1);
    expect(version).toMatchObject({ gitCommit: git(repo, 'rev-parse', 'HEAD'), dirty: true, scriptDigest: sha256(readFileSync(join(repo, 'train.py'))) });
    expect(version.patch).toMatchObject({ store: 'fs', kind: 'file', files: 1 });
    expect(version.patch!.digest).toBe(version.diffDigest);
    expect(readdirSync(scratch)).toEqual([]); // the temp patch file is gone
    expect(warnings).toEqual([]);

    const patchFile = join(root, 'restored.patch');
    await store.materialize(version.patch!, patchFile);
    const patch = readFileSync(patchFile);
    expect(patch.length).toBe(version.patch!.bytes);
    expect(sha256(patch)).toBe(version.diffDigest);
    expect(patch.toString('utf8')).toContain('b/features.py');
    expect(patch.toString('utf8')).not.toContain('ignored.csv');

    const clone = join(root, 'clone');
    git(root, 'clone', '--quiet', repo, clone);
    git(clone, 'apply', '--whitespace=nowarn', patchFile);
    for (const file of ['train.py', 'features.py', 'run.sh', 'weights.bin']) {
      expect(readFileSync(join(clone, file)), file).toEqual(readFileSync(join(repo, file)));
    }
    expect(statSync(join(clone, 'run.sh')).mode & 0o777).toBe(0o755);
    expect(await uncommittedChangeDigest(clone)).toBe(version.diffDigest);
  });

  it('given an untracked file too large for the patch, when inspected, then the patch without it is stored, its digest differs from the diff digest, and a warning names the file', async () => {
    writeFileSync(join(repo, 'train.py'), 'print("edited")\n');
    writeFileSync(join(repo, 'big.csv'), 'x'.repeat(2048));
    const version = await inspector(new CountingGitInspector(new GitCodeInspector({ maxUntrackedFileBytes: 1024 }))).inspect(repo);

    expect(version.dirty).toBe(true);
    expect(version.patch).toBeDefined();
    expect(version.patch!.digest).not.toBe(version.diffDigest);
    const patchFile = join(root, 'restored.patch');
    await store.materialize(version.patch!, patchFile);
    expect(readFileSync(patchFile, 'utf8')).not.toContain('big.csv');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/left out of the stored patch, unread.*will not restore them\): big\.csv \(2048 bytes\)/);
  });

  it("given store directories to exclude, when untracked files lie only in them or in the caller's excluded paths, then the tree is clean and nothing is stored", async () => {
    mkdirSync(join(repo, 'store'));
    writeFileSync(join(repo, 'store', 'object'), 'data');
    writeFileSync(join(repo, 'preds.csv'), 'id,p\n');
    const source = new CountingGitInspector();
    const excluding = new PatchRecordingCodeInspector(source, store, {
      warn: (m) => warnings.push(m),
      temporaryDirectory: scratch,
      exclude: [join(repo, 'store')],
    });
    expect(await excluding.inspect(repo, undefined, { exclude: ['preds.csv'] })).toMatchObject({ dirty: false });
    expect((await excluding.inspect(repo)).dirty).toBe(true);
    expect(source.captures).toBe(1);
  });

  it('given a data store that cannot store the patch, when a dirty tree is inspected, then the code version is returned without a patch and a warning says why', async () => {
    writeFileSync(join(repo, 'train.py'), 'print("edited")\n');
    writeFileSync(join(root, 'not-a-directory'), '');
    const broken = new FsDataStore({ directory: join(root, 'not-a-directory', 'store'), workers: 1 });
    try {
      const version = await inspector(new CountingGitInspector(), broken).inspect(repo);
      expect(version).toEqual(await new GitCodeInspector().inspect(repo));
      expect(version.dirty).toBe(true);
      expect(version.patch).toBeUndefined();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/not stored with the run .*ds reproduce cannot restore it/);
      expect(readdirSync(scratch)).toEqual([]);
    } finally {
      await broken.close().catch(() => undefined);
    }
  });

  it('given a tree committed between the inspection and the capture, when inspected, then the recorded commit and digest are those of the captured state', async () => {
    writeFileSync(join(repo, 'train.py'), 'print("edited")\n');
    const real = new GitCodeInspector();
    const racing: UncommittedChangeSource = {
      inspect: (cwd, script) => real.inspect(cwd, script),
      captureDiff: async (cwd) => {
        git(repo, 'commit', '--quiet', '-am', 'second');
        writeFileSync(join(repo, 'notes.md'), 'later\n');
        return real.captureDiff(cwd);
      },
    };
    const version = await inspector(racing).inspect(repo);
    expect(version.gitCommit).toBe(git(repo, 'rev-parse', 'HEAD'));
    expect(version.diffDigest).toBe((await real.inspect(repo)).diffDigest);
    expect(version.patch!.digest).toBe(version.diffDigest);
    expect(warnings).toEqual([expect.stringMatching(/changed while it was inspected/)]);
  });
});
