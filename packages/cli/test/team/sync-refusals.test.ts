import { randomUUID } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { openDotscience, type JsonValue } from '@dotscience/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ds } from '../fixtures/cli-process.js';
import { startTeamHub, stopTeamHub, Workstation, type LabelledTeamHub } from './team-fixture.js';

/** Append events to a workstation's local store as they are, without its gate (what a damaged or diverged store holds). */
async function appendRaw(dir: string, stream: string, events: { type: string; data: JsonValue }[]): Promise<void> {
  const store = await openDotscience({ cwd: dir, env: {}, hashWorkers: 1 });
  try {
    await store.events.append(
      stream,
      events.map((e) => ({ id: randomUUID(), type: e.type, schemaVersion: 1, data: e.data, meta: {} })),
    );
  } finally {
    await store.close();
  }
}

/** A RunStarted of run `runId` recorded on host `host`: two stores that record it with different hosts diverge. */
const runStarted = (runId: string, host: string) => ({
  type: 'RunStarted',
  data: {
    runId,
    projectId: 'default',
    mode: 'script',
    workload: { command: ['node', 'train.js'] },
    codeVersion: {},
    environment: { runtime: 'node', os: 'linux', host, user: 'ada' },
    startedAt: '2026-12-01T10:00:00.000Z',
  },
});

const runIdsOf = (result: { code: number | null; stdout: string; stderr: string }): string[] => {
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { runId: string }[]).map((r) => r.runId);
};

describe('ds push and ds pull exit non-zero on a refused stream, naming it and its rule (docs/decisions.md D105)', () => {
  let team: LabelledTeamHub | undefined;
  const stations: Workstation[] = [];

  beforeEach(async () => {
    team = await startTeamHub();
  });
  afterEach(async () => {
    await stopTeamHub(team);
    team = undefined;
    for (const s of stations.splice(0)) await fsp.rm(s.dir, { recursive: true, force: true });
  });

  it('given a stream the hub’s gate refuses and a run beside it, when A pushes, then the run reaches the hub and ds push exits 1 naming the stream and the rule', async () => {
    const a = Workstation.create('refused-push', team!.hub.url, team!.token);
    stations.push(a);
    const run = await a.recordRun('kept');
    await appendRaw(a.dir, 'project-team', [{ type: 'ProjectCreated', data: { id: 'another', name: 'another' } }]);

    const push = a.ds(['push']);
    expect(push.code).toBe(1);
    expect(push.stderr).toMatch(/REFUSED stream project-team revision 0 \(ProjectCreated [0-9a-f-]+\) breaks rule PROJECT_ID_MISMATCH/);
    expect(runIdsOf(a.ds(['runs', '--json']))).toEqual([run]);

    const json = a.ds(['push', '--json']);
    expect(json.code).toBe(1);
    expect((JSON.parse(json.stdout) as { refused: { stream: string; rule: string }[] }).refused).toEqual([
      expect.objectContaining({ stream: 'project-team', rule: 'PROJECT_ID_MISMATCH' }),
    ]);
  }, 300_000);

  it('given A pushed run R and B recorded another run R, when B pulls and pushes, then each copies every other stream and exits 1 naming run-R and SYNC_CONFLICT', async () => {
    const a = Workstation.create('conflict-a', team!.hub.url, team!.token);
    const b = Workstation.create('conflict-b', team!.hub.url, team!.token);
    stations.push(a, b);
    const shared = randomUUID();
    await appendRaw(a.dir, `run-${shared}`, [runStarted(shared, 'a-host')]);
    const fromA = await a.recordRun('from-a');
    expect(a.ds(['push']).code).toBe(0);
    await appendRaw(b.dir, `run-${shared}`, [runStarted(shared, 'b-host')]);
    const fromB = await b.recordRun('from-b');

    const pull = b.ds(['pull']);
    expect(pull.code).toBe(1);
    expect(pull.stderr).toContain(`pull: REFUSED stream run-${shared} revision 0`);
    expect(pull.stderr).toContain('breaks rule SYNC_CONFLICT');
    expect(runIdsOf(ds(['runs', '--json'], { cwd: b.dir })).sort()).toEqual([shared, fromA, fromB].sort());

    const push = b.ds(['push']);
    expect(push.code).toBe(1);
    expect(push.stderr).toContain(`push: REFUSED stream run-${shared} revision 0`);
    expect(push.stderr).toContain('breaks rule SYNC_CONFLICT');
    expect(runIdsOf(b.ds(['runs', '--json'])).sort()).toEqual([shared, fromA, fromB].sort());
  }, 300_000);
});
