import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelHistoryEntry, ModelView, ProvJsonDocument } from '@dotscience/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ds, dsJson } from './fixtures/cli-process.js';
import { addTrainRunWithModel, seedTwoStagePipeline, type TwoStagePipeline } from './fixtures/two-stage-pipeline.js';

describe('ds models: the registry as events', () => {
  let p: TwoStagePipeline;
  let secondRunId: string;
  beforeAll(async () => {
    p = await seedTwoStagePipeline();
    secondRunId = await addTrainRunWithModel(p.project, 4, [0.8, 0.95]);
  });
  afterAll(() => rmSync(p.project, { recursive: true, force: true }));
  const run = (...args: string[]) => ds(args, { cwd: p.project });

  it('given classifier@1 and @2, when champion is set to 1 then moved to 2, then ds models shows it at 2 and the history keeps both moves with who made them', () => {
    expect(run('models', 'alias', 'classifier', 'champion', '1')).toMatchObject({ code: 0, stdout: 'classifier@champion → version 1\n' });
    expect(run('models', 'alias', 'classifier', 'champion', '2')).toMatchObject({ code: 0 });
    expect(run('models', 'alias', 'classifier', 'staging', 'champion')).toMatchObject({ code: 0, stdout: 'classifier@staging → version 2\n' });
    const [model] = dsJson<ModelView[]>(['models'], { cwd: p.project });
    expect(model!.aliases).toEqual({ champion: 2, staging: 2 });
    expect(run('models').stdout).toMatch(/^classifier@2\s.*champion,staging/m);
    const history = dsJson<ModelHistoryEntry[]>(['models', 'history', 'classifier', '--json'], { cwd: p.project });
    const moves = history.filter((h) => h.type === 'ModelAliasSet' && h.data.alias === 'champion');
    expect(moves.map((h) => h.data.version)).toEqual([1, 2]);
    for (const move of moves) expect(move.by).toMatch(/.+@.+/);
    expect(run('models', 'history', 'classifier').stdout).toMatch(/alias champion → version 1\n.*alias champion → version 2/s);
  });

  it('given aliases, when one is removed, then it is gone and its removal is in the history; removing it again fails naming it', () => {
    expect(run('models', 'alias', 'classifier', 'staging', '--remove')).toMatchObject({ code: 0 });
    const again = run('models', 'alias', 'classifier', 'staging', '--remove');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/no alias "staging".*\[MODEL_ALIAS_UNKNOWN\]/);
    expect(run('models', 'history', 'classifier').stdout).toContain('alias staging removed');
    expect(run('models', 'alias', 'classifier', 'champion', '7')).toMatchObject({ code: 1, stderr: expect.stringMatching(/no version 7 \(versions: 1, 2\)/) });
  });

  it('tags and describes a version named by alias', () => {
    expect(run('models', 'tag', 'classifier@champion', 'stage=production', 'owner=ann')).toMatchObject({ code: 0 });
    expect(run('models', 'describe', 'classifier', 'the iris tree')).toMatchObject({ code: 0 });
    expect(run('models', 'describe', 'classifier@1', 'first try')).toMatchObject({ code: 0 });
    expect(run('models', 'tag', 'classifier@champion', 'owner=')).toMatchObject({ code: 0 });
    const [model] = dsJson<ModelView[]>(['models'], { cwd: p.project });
    expect(model!.description).toBe('the iris tree');
    expect(model!.versions.map((v) => [v.tags, v.description])).toEqual([
      [{}, 'first try'],
      [{ stage: 'production' }, null],
    ]);
    expect(run('models', 'tag', 'classifier@champion', 'novalue')).toMatchObject({ code: 2, stderr: expect.stringMatching(/not key=value/) });
  });

  it('gets the files of name@alias into a directory, verifying the digest; refuses to overwrite', () => {
    const out = join(p.project, 'served');
    const got = run('models', 'get', 'classifier@champion', out);
    expect(got.stderr).toBe('');
    expect(got.stdout).toMatch(/classifier@2 .*digest verified/);
    expect(JSON.parse(readFileSync(join(out, 'tree.json'), 'utf8'))).toEqual({ depth: 4, splits: [1, 2, 3] });
    expect(run('models', 'get', 'classifier@champion', out)).toMatchObject({ code: 2, stderr: expect.stringMatching(/exists already/) });
    expect(run('models', 'get', 'classifier@nope', join(p.project, 'x'))).toMatchObject({ code: 1, stderr: expect.stringMatching(/MODEL_ALIAS_UNKNOWN/) });
  });

  it('ds lineage understands name@alias and shows both directions by default', () => {
    const doc = dsJson<ProvJsonDocument>(['lineage', 'classifier@champion', '--format', 'prov-json'], { cwd: p.project });
    expect(Object.keys(doc.entity)).toContain('model:classifier@2');
    expect(Object.keys(doc.activity)).toContain(`run:${secondRunId}`);
    const down = run('lineage', 'train', '--down');
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('used by run');
    expect(down.stdout).toContain('generated model classifier@2');
    expect(down.stdout).not.toContain('published "prep"');
    const up = run('lineage', 'train', '--up').stdout;
    expect(up).toContain('published "prep"');
    expect(up).not.toContain('used by run');
    const both = run('lineage', 'train').stdout;
    expect(both).toContain('published "prep"');
    expect(both).toContain('used by run');
  });
});
