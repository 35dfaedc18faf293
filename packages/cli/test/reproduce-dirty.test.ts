import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { CodeVersion, VersionRef } from '@dotscience/core';
import { openDotscience } from '@dotscience/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ENTRY, ds, dsJson } from './fixtures/cli-process.js';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], { cwd, encoding: 'utf8' }).trim();
}

/** Every file under `root` (relative path → bytes), leaving out the given top-level directories. */
function filesUnder(root: string, skip: readonly string[]): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (dir === root && skip.includes(entry.name)) continue;
      if (entry.isDirectory()) walk(path);
      else files.set(relative(root, path), readFileSync(path));
    }
  };
  walk(root);
  return files;
}

const objectPath = (project: string, digest: string) => {
  const hex = digest.replace('sha256:', '');
  return join(project, '.dotscience/data/objects/sha256', hex.slice(0, 2), hex.slice(2));
};

/** A script printing a Dotscience run block that reads data/raw.csv, importing one tracked and one untracked module. */
const PREP = `import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { FEATURES } from './features.mjs';
import { scale } from './lib.mjs';
const rows = readFileSync('data/raw.csv', 'utf8').trim().split('\\n').length;
const id = randomUUID();
const block = { version: '1', input: ['data/raw.csv'], output: [], parameters: { features: FEATURES.join(','), scale: String(scale) }, summary: { rows: String(rows) }, labels: {}, 'workload-file': 'prep.mjs' };
process.stdout.write('[[DOTSCIENCE-RUN:' + id + ']]' + JSON.stringify(block, null, 4) + '[[/DOTSCIENCE-RUN:' + id + ']]\\n');
`;

interface ReproduceJson {
  target: string;
  code: { commit: string } | null;
  uncommittedChange: { patch: string; bytes: number; recordedDiffDigest: string | null; reproducedDiffDigest: string | null; verified: boolean | null } | null;
  inputs: Array<{ path: string; digest: string | null }>;
  warnings: string[];
}

describe('ds reproduce of a run from a dirty working tree', () => {
  let project: string;
  let scratch: string;
  let commit: string;
  let runId: string;
  let codeAtRun: Map<string, Buffer>;
  let rawAtRun: Buffer;
  let codeVersion: CodeVersion;

  beforeAll(() => {
    if (!statSync(CLI_ENTRY, { throwIfNoEntry: false })) throw new Error(`${CLI_ENTRY} is missing — build first: pnpm exec tsc -b`);
    project = mkdtempSync(join(tmpdir(), 'ds-dirty-'));
    scratch = mkdtempSync(join(tmpdir(), 'ds-dirty-scratch-'));
    writeFileSync(join(project, '.gitignore'), '.dotscience/\ndata/\n');
    writeFileSync(join(project, 'prep.mjs'), PREP);
    writeFileSync(join(project, 'lib.mjs'), 'export const scale = 1;\n');
    git(project, 'init', '--quiet');
    git(project, 'add', '.');
    git(project, 'commit', '--quiet', '-m', 'prep');
    commit = git(project, 'rev-parse', 'HEAD');
    const init = ds(['init'], { cwd: project });
    if (init.code !== 0) throw new Error(`ds init failed: ${init.stderr}`);

    // Uncommitted: a modified tracked file, a new untracked module and a new untracked binary file.
    writeFileSync(join(project, 'lib.mjs'), 'export const scale = 2.5; // tuned, not committed\n');
    writeFileSync(join(project, 'features.mjs'), "export const FEATURES = ['x', 'y'];\n");
    writeFileSync(join(project, 'weights.bin'), Buffer.from([0, 159, 146, 150, 255, 0, 10, 13]));
    mkdirSync(join(project, 'data'));
    rawAtRun = Buffer.from('id,x\n1,2\n3,4\n');
    writeFileSync(join(project, 'data/raw.csv'), rawAtRun);
    codeAtRun = filesUnder(project, ['.git', '.dotscience', 'data']);

    const run = ds(['run', '--', process.execPath, 'prep.mjs'], { cwd: project });
    if (run.code !== 0) throw new Error(`ds run failed (${run.code}): ${run.stderr}`);
    const id = /ds run: run (\S+) from a Dotscience run block/.exec(run.stderr)?.[1];
    if (!id) throw new Error(`no block run in: ${run.stderr}`);
    runId = id;
    codeVersion = dsJson<{ codeVersion: CodeVersion }>(['show', runId], { cwd: project }).codeVersion;

    // The tree moves on after the run: reproduction must come from the store, not from here.
    writeFileSync(join(project, 'lib.mjs'), 'export const scale = 99;\n');
    unlinkSync(join(project, 'features.mjs'));
    writeFileSync(join(project, 'data/raw.csv'), 'id,x\nchanged\n');
  });
  afterAll(() => {
    rmSync(project, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  it('given a run started from a dirty tree, when shown, then its code version holds the stored patch, whose digest is the diff digest', () => {
    expect(codeVersion).toMatchObject({ gitCommit: commit, dirty: true, patch: { store: 'fs', kind: 'file', files: 1 } });
    expect(codeVersion.diffDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(codeVersion.patch!.digest).toBe(codeVersion.diffDigest);
    const patch = readFileSync(objectPath(project, codeVersion.patch!.digest!), 'utf8');
    expect(patch).toContain('b/lib.mjs');
    expect(patch).toContain('b/features.mjs');
    expect(patch).toContain('b/weights.bin');
  });

  it('given gc ran, when the run is reproduced into a new directory, then the code files and inputs are byte-identical to what ran and the change is verified', async () => {
    // Something gc must remove, so the run below shows it kept the patch by choice.
    writeFileSync(join(scratch, 'orphan.bin'), 'captured, never declared');
    const store = await openDotscience({ cwd: project, env: {}, hashWorkers: 1 });
    const orphan: VersionRef = await store.data.capture(join(scratch, 'orphan.bin')).finally(() => store.close());
    const gc = dsJson<{ objectsRemoved: number }>(['gc'], { cwd: project });
    expect(gc.objectsRemoved).toBe(1);
    expect(statSync(objectPath(project, orphan.digest!), { throwIfNoEntry: false })).toBeUndefined();
    expect(statSync(objectPath(project, codeVersion.patch!.digest!)).size).toBe(codeVersion.patch!.bytes);

    const target = join(scratch, 'repro-json');
    const result = dsJson<ReproduceJson>(['reproduce', runId.slice(0, 14), target], { cwd: project });
    expect(result.code?.commit).toBe(commit);
    expect(result.uncommittedChange).toEqual({
      patch: codeVersion.patch!.digest,
      bytes: codeVersion.patch!.bytes,
      recordedDiffDigest: codeVersion.diffDigest,
      reproducedDiffDigest: codeVersion.diffDigest,
      verified: true,
    });
    expect(result.warnings).toEqual([]);
    const reproduced = filesUnder(target, ['.git', 'data']);
    expect([...reproduced.keys()].sort()).toEqual([...codeAtRun.keys()].sort());
    for (const [path, bytes] of codeAtRun) expect(reproduced.get(path), path).toEqual(bytes);
    expect(readFileSync(join(target, 'data/raw.csv'))).toEqual(rawAtRun);
    expect(git(target, 'rev-parse', 'HEAD')).toBe(commit);
  });

  it('given the same run, when reproduced with text output, then it says the change was applied and verified and warns of nothing', () => {
    const target = join(scratch, 'repro-text');
    const result = ds(['reproduce', runId, target], { cwd: project });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`code    git ${commit}`);
    expect(result.stdout).toContain(`change  patch ${codeVersion.patch!.digest} applied, verified: the tree matches the run's diff digest`);
    expect(readFileSync(join(target, 'lib.mjs'))).toEqual(codeAtRun.get('lib.mjs'));
  });
});
