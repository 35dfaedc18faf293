import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordedEvent, RunView } from '@dotscience/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ds, dsJson } from './fixtures/cli-process.js';
import { seedTwoStagePipeline, type TwoStagePipeline } from './fixtures/two-stage-pipeline.js';

describe('ds tag, note, archive, restore, delete: after publish, without rewriting history', () => {
  let p: TwoStagePipeline;
  beforeAll(async () => {
    p = await seedTwoStagePipeline();
  });
  afterAll(() => rmSync(p.project, { recursive: true, force: true }));
  const run = (...args: string[]) => ds(args, { cwd: p.project });
  const listed = (...args: string[]) => dsJson<RunView[]>(['runs', ...args], { cwd: p.project }).map((r) => r.runId);
  const exported = (): RecordedEvent[] =>
    run('export')
      .stdout.trim()
      .split('\n')
      .map((line) => JSON.parse(line) as RecordedEvent)
      .filter((e) => typeof e.stream === 'string');
  const runEvents = (runId: string) => exported().filter((e) => e.stream === `run-${runId}`);

  it('tags and notes a published run on its runmeta stream, leaving its sealed events as they were', () => {
    const before = JSON.stringify(runEvents(p.trainRunId));
    expect(run('tag', p.trainRunId, 'team=vision', 'candidate=yes')).toMatchObject({ code: 0 });
    expect(run('tag', p.trainRunId, 'candidate=')).toMatchObject({ code: 0 });
    expect(run('note', p.trainRunId, 'best so far on the holdout')).toMatchObject({ code: 0 });
    const shown = dsJson<RunView>(['show', p.trainRunId], { cwd: p.project });
    expect(shown.tags).toEqual({ team: 'vision' });
    expect(shown.notes).toMatchObject([{ note: 'best so far on the holdout', by: expect.stringMatching(/.+@.+/) }]);
    expect(shown.status).toBe('published');
    expect(run('show', p.trainRunId).stdout).toMatch(/notes\n.*WHO.*\n.*best so far on the holdout/);
    expect(JSON.stringify(runEvents(p.trainRunId))).toBe(before);
    expect(run('audit', 'verify').code).toBe(0);
  });

  it('archives a run out of ds runs (--archived shows it) and restores it', () => {
    expect(run('archive', p.weakRunId)).toMatchObject({ code: 0 });
    expect(listed()).not.toContain(p.weakRunId);
    expect(listed('--archived')).toContain(p.weakRunId);
    expect(run('archive', p.weakRunId).stdout).toMatch(/already; nothing recorded/);
    expect(run('restore', p.weakRunId)).toMatchObject({ code: 0 });
    expect(listed()).toContain(p.weakRunId);
  });

  it('refuses a tag that is not key=value, a delete without a reason and an unknown run', () => {
    expect(run('tag', p.trainRunId, 'novalue')).toMatchObject({ code: 2 });
    expect(run('delete', p.trainRunId).code).toBe(2);
    expect(run('note', 'ffffffff', 'x')).toMatchObject({ code: 1 });
  });

  it('deletes a run: hidden, the audit trail keeps who and why, and ds gc drops its model but keeps the inputs other runs use', () => {
    const objects = (): number => {
      const root = join(p.project, '.dotscience/data/objects/sha256');
      return readdirSync(root).reduce((n, d) => n + readdirSync(join(root, d)).length, 0);
    };
    expect(dsJson<{ objectsRemoved: number }>(['gc', '--dry-run'], { cwd: p.project }).objectsRemoved).toBe(0);
    const before = objects();
    expect(run('delete', p.trainRunId, '--reason', 'trained on leaked labels')).toMatchObject({ code: 0 });
    expect(listed('--archived')).not.toContain(p.trainRunId);
    const shown = dsJson<RunView>(['show', p.trainRunId], { cwd: p.project });
    expect(shown.deleted).toMatchObject({ reason: 'trained on leaked labels', by: expect.stringMatching(/.+@.+/) });
    expect(run('tag', p.trainRunId, 'k=v')).toMatchObject({ code: 1, stderr: expect.stringMatching(/is deleted/) });
    const trail = exported().filter((e) => e.stream === `runmeta-${p.trainRunId}`);
    expect(trail.at(-1)).toMatchObject({ type: 'RunDeleted', data: { reason: 'trained on leaked labels' }, meta: { actor: { user: expect.any(String) } } });

    const gc = dsJson<{ objectsRemoved: number }>(['gc'], { cwd: p.project });
    expect(gc.objectsRemoved).toBe(1); // the model file only the deleted run wrote
    expect(objects()).toBe(before - 1);
    expect(run('reproduce', p.weakRunId, join(p.project, 'weak-again')).code).toBe(0); // the inputs it shares with the deleted run are still there
    expect(run('audit', 'verify').code).toBe(0);
  });
});

describe('ds runs --csv', () => {
  let p: TwoStagePipeline;
  beforeAll(async () => {
    p = await seedTwoStagePipeline();
  });
  afterAll(() => rmSync(p.project, { recursive: true, force: true }));

  it('prints one CSV row per listed run with its parameters, last metric values and tags, quoting what needs it', () => {
    expect(ds(['tag', p.trainRunId, 'note=a, "quoted" one'], { cwd: p.project }).code).toBe(0);
    const csv = ds(['runs', '--csv'], { cwd: p.project }).stdout.split(/\r?\n/);
    expect(csv[0]).toBe('run_id,parent,status,started_at,ended_at,description,params.depth,params.split,metrics.accuracy,tags.note');
    const train = csv.find((line) => line.startsWith(p.trainRunId))!;
    expect(train).toMatch(/,,published,.*,train depth 3,3,,0\.85,"a, ""quoted"" one"$/);
    expect(csv.filter((line) => line !== '')).toHaveLength(5);
  });
});
