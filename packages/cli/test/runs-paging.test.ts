import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnnotationSession, type RunView } from '@dotscience/core';
import { openDotscience } from '@dotscience/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ds } from './fixtures/cli-process.js';

const RUNS = 53;

/** A store with RUNS published runs: depth = i % 4, accuracy = i / 100, recorded oldest first. */
async function seed(project: string): Promise<string[]> {
  expect(ds(['init'], { cwd: project }).code).toBe(0);
  const previousCwd = process.cwd();
  process.chdir(project);
  const store = await openDotscience({ cwd: project, env: {}, hashWorkers: 1 });
  const ids: string[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const session = new AnnotationSession(store, { cwd: project, workload: { command: ['node', 'sweep.js'] } });
      await session.start();
      await session.parameter('depth', i % 4);
      await session.metric('accuracy', i / 100);
      await session.label('note', i === 7 ? 'has, a "comma"' : 'plain');
      ids.push((await session.publish(`run ${i}`)).runId);
    }
  } finally {
    await store.close();
    process.chdir(previousCwd);
  }
  return ids;
}

describe('ds runs pages its table and streams its machine output', () => {
  const project = mkdtempSync(join(tmpdir(), 'ds-cli-runs-paging-'));
  let ids: string[] = [];
  const newest = (): string[] => [...ids].reverse();
  beforeAll(async () => {
    ids = await seed(project);
  }, 120_000);
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  const tableIds = (stdout: string): string[] =>
    stdout
      .split('\n')
      .slice(1)
      .filter((l) => /^[0-9a-f]{8}/.test(l))
      .map((l) => l.split(/\s+/)[0]!);

  it('given 53 runs, when ds runs runs, then the table shows the newest 50 and says how many more match and how to see them', () => {
    const result = ds(['runs'], { cwd: project });
    expect(result.code).toBe(0);
    const shown = tableIds(result.stdout);
    expect(shown).toHaveLength(50);
    expect(newest()[0]!.startsWith(shown[0]!)).toBe(true);
    expect(result.stdout).toMatch(/Showing runs 1–50 of 53, newest first; 3 more: ds runs --offset 50 \(next page\), --limit <n> or --all\n$/);
  });

  it('given 53 runs, when the next page is asked with --offset 50, then the 3 oldest are shown and nothing more is announced', () => {
    const result = ds(['runs', '--offset', '50'], { cwd: project });
    const shown = tableIds(result.stdout);
    expect(shown.map((prefix) => ids.find((id) => id.startsWith(prefix)))).toEqual(newest().slice(50));
    expect(result.stdout).not.toMatch(/Showing/);
  });

  it('given 53 runs, when --all is given, then every run is in the table', () => {
    expect(tableIds(ds(['runs', '--all'], { cwd: project }).stdout)).toHaveLength(53);
  });

  it('given a filter, when --json is given, then every match is printed as one JSON array, newest first', () => {
    const result = ds(['runs', '--filter', 'metrics.accuracy > 0.3 and params.depth = 3', '--json'], { cwd: project });
    expect(result.code).toBe(0);
    const runs = JSON.parse(result.stdout) as Array<RunView & { parent: string | null }>;
    const expected = newest().filter((_, i, all) => {
      const n = ids.indexOf(all[i]!);
      return n / 100 > 0.3 && n % 4 === 3;
    });
    expect(runs.map((r) => r.runId)).toEqual(expected);
    expect(runs[0]).toMatchObject({ parent: null, parameters: { depth: 3 } });
    expect(result.stdout).toBe(`${JSON.stringify(runs, null, 2)}\n`);
  });

  it('given 53 runs, when --ndjson is given with a limit, then one JSON run per line', () => {
    const lines = ds(['runs', '--ndjson', '--limit', '5'], { cwd: project }).stdout.trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as RunView).runId)).toEqual(newest().slice(0, 5));
  });

  it('given 53 runs, when --csv is given, then a header names each parameter, metric and label and cells with commas and quotes are quoted', () => {
    const lines = ds(['runs', '--csv'], { cwd: project }).stdout.trim().split('\n');
    expect(lines[0]).toBe('run_id,parent,status,started_at,ended_at,description,params.depth,metrics.accuracy,labels.note');
    expect(lines).toHaveLength(54);
    const seventh = lines.find((l) => l.startsWith(ids[7]!))!;
    expect(seventh).toMatch(/,run 7,3,0\.07,"has, a ""comma"""$/);
  });

  it('given a metric aggregate that does not exist, when ds runs filters on it, then the error names the field', () => {
    const result = ds(['runs', '--filter', 'metrics.accuracy.mean > 0.5'], { cwd: project });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/^ds: metrics\.accuracy\.mean: no aggregate 'mean' of metric accuracy; the aggregates are last, min, max, count/);
  });

  it('given --all and --limit together, when parsed, then they are refused as contradictory', () => {
    const result = ds(['runs', '--all', '--limit', '3'], { cwd: project });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--all and --limit contradict each other/);
  });
});
