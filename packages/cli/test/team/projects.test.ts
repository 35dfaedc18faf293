import { promises as fsp } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ds } from '../fixtures/cli-process.js';
import { Workstation } from './team-fixture.js';

describe('projects in one local store', () => {
  let station: Workstation | undefined;
  afterEach(async () => {
    if (station) await fsp.rm(station.dir, { recursive: true, force: true });
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
});
