import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitCodeInspector } from '@dotscience/adapters-fs';
import type { CodeInspectionOptions, CodeInspector, CodeVersion } from '@dotscience/core';
import { RecheckedCodeVersions } from '../../src/code-versions/rechecked-code-versions.js';

const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@localhost', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@localhost' };
const git = (cwd: string, ...args: string[]): void => {
  const result = spawnSync('git', args, { cwd, env: gitEnv, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
};

/** The real git inspector, with the inspections it was asked for counted. */
class CountedInspections implements CodeInspector {
  asked = 0;
  private readonly git = new GitCodeInspector();
  inspect(cwd: string, script?: string, options?: CodeInspectionOptions): Promise<CodeVersion> {
    this.asked++;
    return this.git.inspect(cwd, script, options);
  }
}

/** Move a file's modification time a few seconds on, as an edit a moment later would. */
const touchLater = (path: string, seconds: number): void => utimesSync(path, new Date(), new Date(Date.now() + seconds * 1000));

describe('the code version of a sweep: inspected once, re-checked by modification times', () => {
  let project: string;
  let counted: CountedInspections;
  let versions: RecheckedCodeVersions;

  beforeEach(() => {
    project = mkdtempSync(join(tmpdir(), 'ds-rechecked-'));
    git(project, 'init', '-q');
    writeFileSync(join(project, 'train.js'), 'console.log(1)\n');
    git(project, 'add', 'train.js');
    git(project, 'commit', '-q', '-m', 'first');
    counted = new CountedInspections();
    versions = new RecheckedCodeVersions(() => counted);
  });
  afterEach(() => rmSync(project, { recursive: true, force: true }));

  it('given nothing changed, when 50 runs ask for the code version, then git is asked once and every run gets the same version', async () => {
    const first = await versions.inspect(project, 'train.js');
    for (let i = 0; i < 49; i++) expect(await versions.inspect(project, 'train.js')).toEqual(first);
    expect(counted.asked).toBe(1);
    expect(first.gitCommit).toMatch(/^[0-9a-f]{40}$/);
  });

  it('given the script is edited between runs, then the next run is inspected again and records the new digest (dirty)', async () => {
    const before = await versions.inspect(project, 'train.js');
    writeFileSync(join(project, 'train.js'), 'console.log(2)\n');
    touchLater(join(project, 'train.js'), 5);
    const after = await versions.inspect(project, 'train.js');
    expect(counted.asked).toBe(2);
    expect(after.scriptDigest).not.toBe(before.scriptDigest);
    expect(after.dirty).toBe(true);
  });

  it('given a commit between runs, then the next run is inspected again and records the new commit', async () => {
    const before = await versions.inspect(project, 'train.js');
    writeFileSync(join(project, 'other.js'), 'x\n');
    git(project, 'add', 'other.js');
    git(project, 'commit', '-q', '-m', 'second');
    const after = await versions.inspect(project, 'train.js');
    expect(counted.asked).toBe(2);
    expect(after.gitCommit).not.toBe(before.gitCommit);
  });

  it('given another script or other excluded paths, then it is inspected for them (the cache holds one question)', async () => {
    await versions.inspect(project, 'train.js');
    await versions.inspect(project, 'train.js', { exclude: ['data'] });
    await versions.inspect(project);
    expect(counted.asked).toBe(3);
  });
});
