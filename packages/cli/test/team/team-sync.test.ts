import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ds } from '../fixtures/cli-process.js';
import { startHubProcess, stopHubProcess, type HubProcess } from '../fixtures/hub-process.js';
import { Workstation } from './team-fixture.js';

interface VersionJson {
  version: number;
  numbering: string;
  producedBy: string | null;
  createdAt?: string;
  position?: number;
}

/** A listing without what each store gives itself: where (positions) and when (createdAt, a model's history: its recordedAt) it recorded an event. */
function shared(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (key, v: unknown) => (/position$/i.test(key) || key === 'createdAt' || key === 'history' ? undefined : v));
}

describe('a team sharing one hub (docs/decisions.md D104)', () => {
  let root: string;
  let hub: HubProcess | undefined;
  let token: string;

  beforeEach(async () => {
    root = await fsp.mkdtemp(join(tmpdir(), 'ds-team-hub-'));
    const created = ds(['token', 'create', '--store', join(root, 'hub'), '--project', 'team', '--role', 'write'], { cwd: root });
    expect(created.code, created.stderr).toBe(0);
    token = created.stdout.trim();
    hub = await startHubProcess(join(root, 'hub'));
  });
  afterEach(async () => {
    await stopHubProcess(hub);
    hub = undefined;
    await fsp.rm(root, { recursive: true, force: true });
  });

  it.each([['A first'], ['B first']])(
    'given A and B each `ds init` and record offline runs writing new versions of the same dataset and model, when they push (%s) and pull, then A, B and the hub list the same runs, datasets and models, and every audit passes',
    async (order) => {
      const a = Workstation.create('a', hub!.url, token);
      const b = Workstation.create('b', hub!.url, token);
      const runA = await a.recordRun('from-a');
      const runB1 = await b.recordRun('from-b-1');
      const runB2 = await b.recordRun('from-b-2');
      // Offline, each workstation numbered its own versions from 1.
      expect(a.local<{ versions: VersionJson[] }[]>(['datasets'])[0]!.versions.map((v) => [v.version, v.numbering])).toEqual([[1, 'local']]);

      const [first, second] = order === 'A first' ? [a, b] : [b, a];
      for (const w of [first, second]) {
        const push = w.ds(['push']);
        expect(push.code, push.stderr).toBe(0);
      }
      for (const w of [a, b]) {
        const pull = w.ds(['pull']);
        expect(pull.code, pull.stderr).toBe(0);
      }

      const hubView = new Workstation(root, hub!.url, token);
      const listings = (w: Workstation, local: boolean) =>
        ['runs', 'datasets', 'models'].map((what) => {
          const result = local ? ds([what, '--json'], { cwd: w.dir }) : w.ds([what, '--json']);
          expect(result.code, result.stderr).toBe(0);
          return shared(JSON.parse(result.stdout));
        });
      const onHub = listings(hubView, false);
      expect(listings(a, true)).toEqual(onHub);
      expect(listings(b, true)).toEqual(onHub);

      // The hub numbered the versions in the order it recorded them; every one is settled.
      const [, datasets, models] = onHub as [unknown, { name: string; versions: VersionJson[] }[], { name: string; versions: VersionJson[] }[]];
      const expected = order === 'A first' ? [runA, runB1, runB2] : [runB1, runB2, runA];
      expect(datasets.find((d) => d.name === 'preds')!.versions.map((v) => [v.version, v.producedBy, v.numbering])).toEqual(
        expected.map((run, i) => [i + 1, run, 'hub']),
      );
      expect(models.find((m) => m.name === 'clf')!.versions.map((v) => [v.version, v.producedBy])).toEqual(expected.map((run, i) => [i + 1, run]));
      const runs = onHub[0] as { runId: string }[];
      expect(runs.map((r) => r.runId).sort()).toEqual([runA, runB1, runB2].sort());

      for (const w of [a, b]) {
        const audit = ds(['audit', 'verify', '--receipts'], { cwd: w.dir });
        expect(audit.code, audit.stdout + audit.stderr).toBe(0);
      }
      // Through the hub, audit verify reads its log (the hub's data is not an fs store here: the data check is the workstations').
      const hubAudit = JSON.parse(hubView.ds(['audit', 'verify', '--json']).stdout) as { break?: unknown; violation?: unknown; events: number };
      expect(hubAudit.break ?? hubAudit.violation).toBeUndefined();
      const eventsOf = (w: Workstation) => (JSON.parse(ds(['audit', 'verify', '--json'], { cwd: w.dir }).stdout) as { events: number }).events;
      // No event lost or duplicated: the hub holds the runs, one project, and one settled copy per version;
      // each workstation holds the same and, besides, its own local versions (2 per run it recorded).
      expect(eventsOf(a)).toBe(hubAudit.events + 2);
      expect(eventsOf(b)).toBe(hubAudit.events + 4);

      // Pushing and pulling again copies nothing: no event is duplicated.
      for (const w of [a, b]) {
        const again = JSON.parse(w.ds(['sync', '--json']).stdout) as { push: { eventsCopied: number }; pull: { eventsCopied: number } };
        expect([again.push.eventsCopied, again.pull.eventsCopied]).toEqual([0, 0]);
      }
      for (const dir of [a.dir, b.dir]) await fsp.rm(dir, { recursive: true, force: true });
    },
    300_000,
  );

  it('given a hub with A’s run, when C runs `ds init && ds pull` in a fresh directory, then it pulls it; and B’s offline version shows as provisional after a pull until B pushes', async () => {
    const a = Workstation.create('a', hub!.url, token);
    const runA = await a.recordRun('from-a');
    expect(a.ds(['push']).code).toBe(0);

    const c = Workstation.create('c', hub!.url, token);
    const pulled = c.ds(['pull']);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(c.local<{ runId: string }[]>(['runs']).map((r) => r.runId)).toEqual([runA]);

    const b = Workstation.create('b', hub!.url, token);
    const runB = await b.recordRun('from-b');
    expect(b.ds(['pull']).code).toBe(0);
    const before = ds(['datasets'], { cwd: b.dir }).stdout;
    expect(before).toMatch(/preds@1 /);
    expect(before).toMatch(/preds@local-[0-9a-f]{4} /);
    expect(b.ds(['sync']).code).toBe(0);
    const after = b.local<{ name: string; versions: VersionJson[] }[]>(['datasets']).find((d) => d.name === 'preds')!;
    expect(after.versions.map((v) => [v.version, v.producedBy, v.numbering])).toEqual([
      [1, runA, 'hub'],
      [2, runB, 'hub'],
    ]);
    expect(ds(['datasets'], { cwd: b.dir }).stdout).not.toMatch(/local-/);
    for (const dir of [a.dir, b.dir, c.dir]) await fsp.rm(dir, { recursive: true, force: true });
  }, 300_000);
});
