import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ds } from './fixtures/cli-process.js';
import { addTrainRunWithModel, seedTwoStagePipeline, type TwoStagePipeline } from './fixtures/two-stage-pipeline.js';

/**
 * Read commands open the log read-only by position (its index snapshot's header and the places of
 * the records after the read model's checkpoint, docs/decisions.md D146): whatever happened to the
 * log or the read model file, they answer what a read model rebuilt from the whole log answers.
 */
describe('read commands after the log or the read model changed', () => {
  let p: TwoStagePipeline;
  let readModel: string;
  let events: string;
  beforeAll(async () => {
    p = await seedTwoStagePipeline();
    readModel = join(p.project, '.dotscience', 'read-model.sqlite');
    events = join(p.project, '.dotscience', 'events');
  });
  afterAll(() => rmSync(p.project, { recursive: true, force: true }));

  /** What `ds runs`, `ds show` of the train run and `ds lineage` of the model print, each run once. */
  function answers(): { runs: string; show: string; lineage: string; stderr: string } {
    const runs = ds(['runs', '--json'], { cwd: p.project });
    const show = ds(['show', p.trainRunId], { cwd: p.project });
    const lineage = ds(['lineage', 'classifier', '--up'], { cwd: p.project });
    for (const result of [runs, show, lineage]) expect(result.code).toBe(0);
    return { runs: runs.stdout, show: show.stdout, lineage: lineage.stdout, stderr: runs.stderr + show.stderr + lineage.stderr };
  }

  /** The same, from a read model built from nothing. */
  function rebuilt(): { runs: string; show: string; lineage: string } {
    rmSync(readModel, { force: true });
    const { runs, show, lineage } = answers();
    return { runs, show, lineage };
  }

  it('given a caught-up read model, when another process records a run, then the read commands answer what a rebuild answers, the new run among them', async () => {
    answers();
    const added = await addTrainRunWithModel(p.project, 4, [0.6, 0.8]);
    const caughtUp = answers();
    expect(caughtUp.stderr).toBe('');
    expect(caughtUp.runs).toContain(added);
    expect(caughtUp.lineage).toContain('classifier');
    expect({ runs: caughtUp.runs, show: caughtUp.show, lineage: caughtUp.lineage }).toEqual(rebuilt());
  });

  it('given the log restored from a copy older than the read model, when the read commands run, then they say they rebuilt and answer what a rebuild answers, without the runs the copy lacks', async () => {
    const backup = join(p.project, 'events-backup');
    cpSync(events, backup, { recursive: true });
    const gone = await addTrainRunWithModel(p.project, 6, [0.5]);
    expect(answers().runs).toContain(gone);
    rmSync(events, { recursive: true, force: true });
    cpSync(backup, events, { recursive: true });

    const afterRestore = answers();
    expect(afterRestore.stderr).toMatch(/rebuilt from the log/);
    expect(afterRestore.runs).not.toContain(gone);
    expect({ runs: afterRestore.runs, show: afterRestore.show, lineage: afterRestore.lineage }).toEqual(rebuilt());
    expect(answers().stderr).toBe(''); // checkpointed again: the next read resumes quietly
  });

  it('given the read model file deleted, when the read commands run, then they answer as before it was deleted', () => {
    const before = answers();
    rmSync(readModel);
    const after = answers();
    expect(after.stderr).toBe('');
    expect(after).toEqual(before);
  });
});
