import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { bundleStoreChild, startChild } from './child-process-bundle.js';

describe('RecordWorker: it holds the process only while it has work', () => {
  let bundle: string;
  let dir: string;
  beforeAll(async () => {
    bundle = await bundleStoreChild();
    dir = await mkdtemp(join(tmpdir(), 'ds-record-worker-'));
  }, 120_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('given a process that started the worker and gave it no job, when its own work is done, then it ends by itself', async () => {
    const child = startChild(bundle, ['idle-worker', dir]);
    onTestFinished(() => void child.kill('SIGKILL'));
    // A process the worker held would never end: the test's own timeout says so rather than a wait here.
    const code = await child.exited;
    expect(child.lines).toEqual(['online true']);
    expect(code).toBe(0);
  }, 60_000);
});
