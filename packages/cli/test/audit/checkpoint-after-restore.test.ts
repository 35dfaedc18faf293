import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AnnotationSession, type RunView } from '@dotscience/core';
import { openDotscience } from '@dotscience/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ds, dsJson } from '../fixtures/cli-process.js';
import { seedTwoStagePipeline, type TwoStagePipeline } from '../fixtures/two-stage-pipeline.js';

/** Record one published run with a parameter through the SDK, as a workload would. */
async function recordRun(project: string, description: string): Promise<string> {
  const previousCwd = process.cwd();
  process.chdir(project);
  const store = await openDotscience({ cwd: project, env: {}, hashWorkers: 1 });
  try {
    const session = new AnnotationSession(store, { cwd: project, workload: { command: ['node', 'train.js'] } });
    await session.start();
    await session.parameter('depth', 9);
    return (await session.publish(description)).runId;
  } finally {
    await store.close();
    process.chdir(previousCwd);
  }
}

describe('projection checkpoints tied to the log', () => {
  let p: TwoStagePipeline;
  beforeAll(async () => {
    p = await seedTwoStagePipeline();
  });
  afterAll(() => rmSync(p.project, { recursive: true, force: true }));

  it('given .dotscience/events restored from a backup after more runs were recorded and listed, when another run is recorded, then ds runs drops the run that is gone, shows the new one and says in one line that it rebuilt', async () => {
    const events = join(p.project, '.dotscience/events');
    const backup = join(p.project, 'events-backup');
    expect(ds(['runs'], { cwd: p.project }).code).toBe(0);
    cpSync(events, backup, { recursive: true });

    const gone = await recordRun(p.project, 'gone after the restore');
    expect(dsJson<RunView[]>(['runs'], { cwd: p.project }).map((r) => r.runId)).toContain(gone); // checkpointed with it

    rmSync(events, { recursive: true, force: true });
    cpSync(backup, events, { recursive: true });
    const after = await recordRun(p.project, 'recorded after the restore');

    const result = ds(['runs', '--json'], { cwd: p.project });
    expect(result.code).toBe(0);
    const ids = (JSON.parse(result.stdout) as RunView[]).map((r) => r.runId);
    expect(ids).not.toContain(gone);
    expect(ids).toContain(after);
    expect(ids).toHaveLength(5);
    expect(result.stderr).toMatch(/^ds: the read model \S+read-model\.sqlite \(position \d+\) [^\n]*rebuilt from the log\n$/);
    // Rebuilt and checkpointed again: the next read resumes quietly.
    expect(ds(['runs', '--json'], { cwd: p.project }).stderr).toBe('');
  });
});
