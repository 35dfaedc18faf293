import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnnotationSession } from '@dotscience/core';
import { openDotscience } from '@dotscience/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ds } from './fixtures/cli-process.js';

const modeOf = (path: string): string => (statSync(path).mode & 0o7777).toString(8);

describe('ds reproduce and the setuid, setgid and sticky bits of captured inputs', () => {
  let project: string;
  let runId: string;
  beforeAll(async () => {
    project = mkdtempSync(join(tmpdir(), 'ds-cli-modes-'));
    expect(ds(['init'], { cwd: project }).code).toBe(0);
    mkdirSync(join(project, 'tools/shared'), { recursive: true });
    writeFileSync(join(project, 'tools/become-owner'), '#!/bin/sh\nid\n');
    chmodSync(join(project, 'tools/become-owner'), 0o4755);
    writeFileSync(join(project, 'tools/become-group'), '#!/bin/sh\nid\n');
    chmodSync(join(project, 'tools/become-group'), 0o2755);
    chmodSync(join(project, 'tools/shared'), 0o1777);
    const store = await openDotscience({ cwd: project, env: {}, hashWorkers: 1 });
    try {
      const session = new AnnotationSession(store, { cwd: project, workload: { command: ['sh', 'tools/become-owner'] } });
      await session.start();
      await session.input(join(project, 'tools'), 'tools');
      runId = (await session.publish('uses setuid tools')).runId;
    } finally {
      await store.close();
    }
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('given an input captured with setuid, setgid and sticky bits, when reproduced, then they are cleared and the other bits kept', () => {
    const target = join(project, 'repro-plain');
    const result = ds(['reproduce', runId, target, '--json'], { cwd: project });
    expect(result.code).toBe(0);
    const tools = join(target, 'absolute', project, 'tools');
    expect([modeOf(join(tools, 'become-owner')), modeOf(join(tools, 'become-group')), modeOf(join(tools, 'shared'))]).toEqual(['755', '755', '777']);
  });

  it('given --special-modes, when reproduced, then the bits come back as captured', () => {
    const target = join(project, 'repro-special');
    const result = ds(['reproduce', runId, target, '--special-modes', '--json'], { cwd: project });
    expect(result.code).toBe(0);
    const tools = join(target, 'absolute', project, 'tools');
    expect([modeOf(join(tools, 'become-owner')), modeOf(join(tools, 'become-group')), modeOf(join(tools, 'shared'))]).toEqual(['4755', '2755', '1777']);
  });
});
