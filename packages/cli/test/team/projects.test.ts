import { promises as fsp, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDotscience } from '@dotscience/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { ds } from '../fixtures/cli-process.js';
import { Workstation } from './team-fixture.js';

describe('projects in one local store', () => {
  let station: Workstation | undefined;
  const dirs: string[] = [];
  afterEach(async () => {
    if (station) await fsp.rm(station.dir, { recursive: true, force: true });
    for (const dir of dirs.splice(0)) await fsp.rm(dir, { recursive: true, force: true });
  });

  it('given runs in projects default and exp2, when read with --project or DOTSCIENCE_PROJECT, then runs, datasets and models are scoped; ds projects counts the runs', async () => {
    station = Workstation.create('projects', 'http://127.0.0.1:1', 'unused');
    const inDefault = await station.recordRun('one');
    const inExp2 = await station.recordRun('two', 'exp2');
    const json = <T>(args: string[], env: Record<string, string> = {}): T => {
      const result = ds([...args, '--json'], { cwd: station!.dir, env });
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as T;
    };
    expect(json<{ runId: string }[]>(['--project', 'exp2', 'runs']).map((r) => r.runId)).toEqual([inExp2]);
    expect(json<{ runId: string }[]>(['runs'], { DOTSCIENCE_PROJECT: 'default' }).map((r) => r.runId)).toEqual([inDefault]);
    expect(
      json<{ runId: string }[]>(['runs'])
        .map((r) => r.runId)
        .sort(),
    ).toEqual([inDefault, inExp2].sort());
    const producers = (listing: { versions: { producedBy: string }[] }[]) => listing.flatMap((d) => d.versions.map((v) => v.producedBy));
    expect(producers(json(['--project', 'exp2', 'datasets']))).toEqual([inExp2]);
    expect(producers(json(['--project', 'exp2', 'models']))).toEqual([inExp2]);
    expect(json(['projects'])).toEqual([
      { project: 'default', runs: 1, current: true },
      { project: 'exp2', runs: 1, current: false },
    ]);
  }, 120_000);

  it('given two projects in one store, when each records a version of dataset preds and model clf, then each numbers its own from 1 (D122), and the gate and audit hold', async () => {
    station = Workstation.create('numbering', 'http://127.0.0.1:1', 'unused');
    const inDefault = await station.recordRun('one');
    const inExp2 = await station.recordRun('two', 'exp2');
    const inExp2Again = await station.recordRun('three', 'exp2');
    const json = <T>(args: string[]): T => {
      const result = ds([...args, '--json'], { cwd: station!.dir });
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as T;
    };
    type Listing = { name: string; project?: string; versions: { version: number; producedBy: string }[] }[];
    const numbers = (listing: Listing) => listing.map((d) => [d.name, d.versions.map((v) => [v.version, v.producedBy])]);
    expect(numbers(json(['datasets']))).toEqual(
      expect.arrayContaining([
        ['preds', [[1, inDefault]]],
        [
          'preds',
          [
            [1, inExp2],
            [2, inExp2Again],
          ],
        ],
      ]),
    );
    expect(numbers(json(['--project', 'exp2', 'models']))).toEqual([
      [
        'clf',
        [
          [1, inExp2],
          [2, inExp2Again],
        ],
      ],
    ]);
    expect(numbers(json(['models']))).toContainEqual(['clf', [[1, inDefault]]]);
    // The registry names the project's own version: exp2's clf@1 is run two's.
    const alias = ds(['--project', 'exp2', 'models', 'alias', 'clf', 'champion', '1'], { cwd: station.dir });
    expect(alias.code, alias.stderr).toBe(0);
    const exp2Models = json<{ aliases: Record<string, number>; project?: string }[]>(['--project', 'exp2', 'models']);
    expect(exp2Models).toMatchObject([{ project: 'exp2', aliases: { champion: 1 } }]);
    const audit = ds(['audit', 'verify'], { cwd: station.dir });
    expect(audit.code, audit.stdout + audit.stderr).toBe(0);
  }, 120_000);

  it('given two workstations that each ds init, then their ProjectCreated is the same event: same id, data and hash (D124)', async () => {
    const created = [];
    for (const name of ['a', 'b']) {
      const dir = mkdtempSync(join(tmpdir(), `ds-project-${name}-`));
      dirs.push(dir);
      const init = ds(['init'], { cwd: dir });
      expect(init.code, init.stderr).toBe(0);
      const store = await openDotscience({ cwd: dir, env: {}, hashWorkers: 1 });
      try {
        for await (const e of store.events.readStream('project-default')) created.push({ id: e.id, type: e.type, data: e.data, meta: e.meta, hash: e.hash });
      } finally {
        await store.close();
      }
    }
    expect(created).toHaveLength(2);
    expect(created[1]).toEqual(created[0]);
  }, 120_000);
});
