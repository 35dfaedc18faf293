import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ds } from '../fixtures/cli-process.js';
import { TeamHub, type Workstation } from './team-fixture.js';

interface ModelJson {
  name: string;
  aliases: Record<string, number>;
  versions: { version: number; producedBy: string; numbering: string; tags: Record<string, string>; description: string | null }[];
}

describe('the model registry in a team sharing one hub (docs/decisions.md D126)', () => {
  let hub: TeamHub;
  beforeEach(async () => {
    hub = await TeamHub.start('ds-team-registry-');
  });
  afterEach(() => hub.stop());

  it('given A aliased, tagged and described its offline version 1 while B pushed its own version 1, when A syncs and B pulls, then on A, B and the hub the alias, tag and description are on the version the hub settled A’s as (2)', async () => {
    const a = hub.workstation('a');
    const b = hub.workstation('b');
    const runB = await b.recordRun('from-b');
    expect(b.ds(['push']).code).toBe(0);

    const runA = await a.recordRun('from-a');
    for (const args of [
      ['models', 'alias', 'clf', 'champion', '1'],
      ['models', 'tag', 'clf@champion', 'stage=prod'],
      ['models', 'describe', 'clf@champion', 'the one we ship'],
    ]) {
      const local = ds(args, { cwd: a.dir });
      expect(local.code, local.stderr).toBe(0);
    }
    const sync = a.ds(['sync']);
    expect(sync.code, sync.stdout + sync.stderr).toBe(0);
    expect(b.ds(['pull']).code).toBe(0);

    const modelOn = (w: Workstation, local: boolean): ModelJson => {
      const result = local ? ds(['models', '--json'], { cwd: w.dir }) : w.ds(['models', '--json']);
      expect(result.code, result.stderr).toBe(0);
      return (JSON.parse(result.stdout) as ModelJson[]).find((m) => m.name === 'clf')!;
    };
    for (const [where, model] of [
      ['A', modelOn(a, true)],
      ['B', modelOn(b, true)],
      ['the hub', modelOn(hub.view, false)],
    ] as const) {
      expect(model.aliases, where).toEqual({ champion: 2 });
      expect(
        model.versions.map((v) => [v.version, v.producedBy, v.numbering, v.tags, v.description]),
        where,
      ).toEqual([
        [1, runB, 'hub', {}, null],
        [2, runA, 'hub', { stage: 'prod' }, 'the one we ship'],
      ]);
    }
    // The alias names A's version wherever it is read: `ds models get` verifies the bytes A's run wrote.
    const got = b.ds(['models', 'get', 'clf@champion', join(b.dir, 'champion')]);
    expect(got.code, got.stderr).toBe(0);
    expect(JSON.parse(await fsp.readFile(join(b.dir, 'champion', 'model.json'), 'utf8'))).toEqual({ weights: 'from-a' });
    // Setting it where it is now records nothing, on A and through the hub.
    expect(ds(['models', 'alias', 'clf', 'champion', '2'], { cwd: a.dir }).stdout).toMatch(/nothing recorded/);
    expect(a.ds(['models', 'alias', 'clf', 'champion', '2']).stdout).toMatch(/nothing recorded/);
    for (const dir of [a.dir, b.dir]) await fsp.rm(dir, { recursive: true, force: true });
  }, 300_000);
});
