import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnnotationSession, type FileChange, type VersionFile } from '@dotscience/core';
import { openDotscience } from '@dotscience/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ds, dsJson } from './fixtures/cli-process.js';

/** A project whose run wrote dataset `images` (a directory) twice: v1, then v2 with one file changed, one removed, one added. */
async function seedTwoDirectoryVersions(project: string): Promise<void> {
  if (ds(['init'], { cwd: project }).code !== 0) throw new Error('ds init failed');
  const dir = join(project, 'images');
  mkdirSync(join(dir, 'cats'), { recursive: true });
  writeFileSync(join(dir, 'cats/a.txt'), 'cat a');
  writeFileSync(join(dir, 'cats/b.txt'), 'cat b');
  writeFileSync(join(dir, 'labels.csv'), 'id,label\n1,cat\n');
  const previous = process.cwd();
  process.chdir(project);
  const store = await openDotscience({ cwd: project, env: {}, hashWorkers: 1 });
  try {
    for (const step of [1, 2]) {
      if (step === 2) {
        writeFileSync(join(dir, 'labels.csv'), 'id,label\n1,cat\n2,cat\n');
        rmSync(join(dir, 'cats/b.txt'));
        writeFileSync(join(dir, 'cats/c.txt'), 'cat c!');
      }
      const session = new AnnotationSession(store, { cwd: project, workload: { command: ['node', 'label.js'] } });
      await session.start();
      await session.output('images', 'images');
      await session.publish(`labelled ${step}`);
    }
  } finally {
    await store.close();
    process.chdir(previous);
  }
}

describe('ds ls and ds diff on dataset versions', () => {
  let project: string;
  beforeAll(async () => {
    project = mkdtempSync(join(tmpdir(), 'ds-files-'));
    await seedTwoDirectoryVersions(project);
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('lists the files of a version from its manifest, sub-directories included', () => {
    const files = dsJson<VersionFile[]>(['ls', 'images@1', '--json'], { cwd: project });
    expect(files.map((f) => [f.path, f.size])).toEqual([
      ['cats/a.txt', 5],
      ['cats/b.txt', 5],
      ['labels.csv', 15],
    ]);
    expect(ds(['ls', 'images'], { cwd: project }).stdout).toMatch(/^cats\/c\.txt\s+6 B\s+[0-9a-f]{12}$/m);
  });

  it('diffs two versions: added, removed and changed files with sizes, and --stat counts them', () => {
    const diff = dsJson<{ changes: FileChange[] }>(['diff', 'images@1', 'images@2', '--json'], { cwd: project });
    expect(diff.changes).toEqual([
      { path: 'cats/b.txt', change: 'removed', before: 5, after: null },
      { path: 'cats/c.txt', change: 'added', before: null, after: 6 },
      { path: 'labels.csv', change: 'changed', before: 15, after: 21 },
    ]);
    const text = ds(['diff', 'images@1', '@2'], { cwd: project }).stdout;
    expect(text).toMatch(/^~\s+labels\.csv\s+15 B\s+21 B$/m);
    expect(ds(['diff', 'images@1', 'images@2', '--stat'], { cwd: project }).stdout).toMatch(/^1 added, 1 removed, 1 changed/);
    expect(ds(['diff', 'images@2', 'images@2'], { cwd: project }).stdout).toMatch(/^no differences/);
  });

  it('names a version or dataset that does not exist', () => {
    expect(ds(['ls', 'images@9'], { cwd: project })).toMatchObject({ code: 2, stderr: expect.stringMatching(/no version 9 \(versions: 1, 2\)/) });
    expect(ds(['diff', 'nope@1', 'images@1'], { cwd: project })).toMatchObject({ code: 2, stderr: expect.stringMatching(/no dataset "nope"/) });
  });
});
