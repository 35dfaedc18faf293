import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '@dotscience/core';
import { openDotscience } from '@dotscience/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ds, dsJson } from './fixtures/cli-process.js';
import { tamperWithRecord } from './fixtures/log-tampering.js';
import { seedTwoStagePipeline, type TwoStagePipeline } from './fixtures/two-stage-pipeline.js';

const parseLines = (ndjson: string): RecordedEvent[] =>
  ndjson
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as RecordedEvent);

describe('ds reproduce, audit, export/import, gc, replay, init', () => {
  let p: TwoStagePipeline;
  let scratch: string;
  beforeAll(async () => {
    p = await seedTwoStagePipeline();
    scratch = mkdtempSync(join(tmpdir(), 'ds-cli-scratch-'));
  });
  afterAll(() => {
    rmSync(p.project, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  it('given the train run, when reproduced, then its inputs are byte-identical at their paths, the code is at its commit, and the command is printed', () => {
    const target = join(scratch, 'repro-train');
    const result = ds(['reproduce', p.trainRunId.slice(0, 14), target], { cwd: p.project });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(readFileSync(join(target, 'data/train.csv'), 'utf8')).toBe(p.files.train);
    expect(readFileSync(join(target, 'data/test.csv'), 'utf8')).toBe(p.files.test);
    expect(readFileSync(join(target, 'train.js'), 'utf8')).toBe(readFileSync(join(p.project, 'train.js'), 'utf8'));
    expect(existsSync(join(target, 'data/raw.csv'))).toBe(false); // not an input of this run
    expect(result.stdout).toContain(`code    git ${p.commit}`);
    expect(result.stdout).toContain(`cd ${target} && node train.js --depth=3`);
  });

  it('given the inputs changed on disk since, when the prep run is reproduced, then the recorded version comes back, not the current file', () => {
    writeFileSync(join(p.project, 'data/raw.csv'), 'changed since\n');
    const target = join(scratch, 'repro-prep');
    const result = dsJson<{ inputs: Array<{ path: string; target: string }>; code: { commit: string } }>(['reproduce', p.prepRunId, target], {
      cwd: p.project,
    });
    expect(result.inputs.map((i) => i.path)).toEqual(['data/raw.csv']);
    expect(readFileSync(join(target, 'data/raw.csv'), 'utf8')).toBe(p.files.raw);
    expect(result.code.commit).toBe(p.commit);
  });

  it('given a non-empty target, when reproducing, then it refuses in one line and writes nothing', () => {
    const target = join(scratch, 'occupied');
    cpSync(join(p.project, 'prep.js'), join(target, 'keep.js'));
    const result = ds(['reproduce', p.trainRunId, target], { cwd: p.project });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^ds: .*occupied exists and is not empty.*\[REPRODUCE_TARGET_NOT_EMPTY\]\n$/);
    expect(readdirSync(target)).toEqual(['keep.js']);
  });

  it('given a good store, when audit verify runs, then every chain passes with exit code 0', () => {
    const result = ds(['audit', 'verify'], { cwd: p.project });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ok: \d+ events in \d+ streams/);
    const report = dsJson<{ ok: boolean; streams: number; data: { corrupt: unknown[]; objectsChecked: number } }>(['audit', 'verify', '--objects'], {
      cwd: p.project,
    });
    expect(report.ok).toBe(true);
    expect(report.data.objectsChecked).toBeGreaterThan(0);
    expect(report.data.corrupt).toEqual([]);
  });

  it('given a parameter rewritten in the log file with a valid checksum, when audit verify runs, then it names the stream and revision and exits 1', () => {
    const copy = join(scratch, 'tampered');
    cpSync(p.project, copy, { recursive: true });
    const events = parseLines(ds(['export'], { cwd: copy }).stdout);
    const victim = events.find((e) => e.stream === `run-${p.trainRunId}` && e.type === 'ParameterRecorded')!;
    expect(tamperWithRecord(join(copy, '.dotscience/events'), `"name":"depth","value":3},"${victim.id}"`, `"name":"depth","value":4},"${victim.id}"`)).toBe(
      true,
    );

    const result = ds(['audit', 'verify'], { cwd: copy });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`BROKEN at stream run-${p.trainRunId} revision ${victim.revision}`);
    expect(result.stdout).toMatch(/hash-mismatch/);
    const report = JSON.parse(ds(['audit', 'verify', '--json'], { cwd: copy }).stdout) as { ok: boolean; break: { stream: string; revision: number } };
    expect(report).toMatchObject({ ok: false, break: { stream: `run-${p.trainRunId}`, revision: victim.revision } });
  });

  it('given an export, when imported into an empty store, then every id and hash is identical, and importing again adds nothing', () => {
    const file = join(scratch, 'events.ndjson');
    expect(ds(['export', '--out', file], { cwd: p.project }).code).toBe(0);
    const exported = parseLines(readFileSync(file, 'utf8'));
    expect(exported.length).toBeGreaterThan(20);

    const empty = join(scratch, 'empty-store');
    const first = dsJson<{ imported: number; alreadyPresent: number }>(['--store', `file:${empty}`, 'import', file], { cwd: scratch });
    expect(first).toMatchObject({ imported: exported.length, alreadyPresent: 0 });
    const reexported = parseLines(ds(['--store', `file:${empty}`, 'export'], { cwd: scratch }).stdout);
    const identity = (e: RecordedEvent) => ({ id: e.id, stream: e.stream, revision: e.revision, prevHash: e.prevHash, hash: e.hash });
    expect(reexported.map(identity)).toEqual(exported.map(identity));

    const second = dsJson<{ imported: number; alreadyPresent: number }>(['--store', `file:${empty}`, 'import', file], { cwd: scratch });
    expect(second).toMatchObject({ imported: 0, alreadyPresent: exported.length });
    expect(parseLines(ds(['--store', `file:${empty}`, 'export'], { cwd: scratch }).stdout)).toHaveLength(exported.length);
    // Events only: every chain verifies, and the data they refer to is named missing (an export carries no data).
    const audit = ds(['--store', `file:${empty}`, 'audit', 'verify', '--json'], { cwd: scratch });
    expect(audit.code).toBe(1);
    const verdict = JSON.parse(audit.stdout) as { break?: unknown; references: { versionsReferenced: number; missing: unknown[] } };
    expect(verdict.break).toBeUndefined();
    expect(verdict.references.missing).toHaveLength(verdict.references.versionsReferenced);
    const runs = dsJson<Array<{ runId: string }>>(['--store', `file:${empty}`, 'runs', '--filter', 'params.depth = 5'], { cwd: scratch });
    expect(runs.map((r) => r.runId)).toEqual([p.deepRunId]);
  });

  it('given an export piped through stdin, when imported, then it is read from stdin', () => {
    const ndjson = ds(['export'], { cwd: p.project }).stdout;
    const store = join(scratch, 'stdin-store');
    const result = ds(['--store', `file:${store}`, 'import', '--json'], { cwd: scratch, input: ndjson });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ imported: ndjson.trim().split('\n').length, alreadyPresent: 0 });
  });

  it('given a bad line in the middle of a file, when imported, then the error names the line and nothing is written', () => {
    const lines = ds(['export'], { cwd: p.project }).stdout.trim().split('\n');
    const store = join(scratch, 'bad-line-store');
    const file = join(scratch, 'bad-line.ndjson');
    writeFileSync(file, [...lines.slice(0, 5), '{"id": "not an event"}', ...lines.slice(5)].join('\n'));
    const result = ds(['--store', `file:${store}`, 'import', file], { cwd: scratch });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/bad-line\.ndjson line 6: .*nothing was imported.*\[IMPORT_BAD_LINE\]\n$/);
    expect(existsSync(join(store, 'events'))).toBe(false);
  });

  it('given an event altered in the file, when imported, then the broken chain is refused naming the line and nothing is written', () => {
    const lines = ds(['export'], { cwd: p.project }).stdout.trim().split('\n');
    const index = lines.findIndex((l) => l.includes('"type":"ParameterRecorded"') && l.includes('"name":"depth","value":5'));
    lines[index] = lines[index]!.replace('"value":5', '"value":6');
    const file = join(scratch, 'altered.ndjson');
    writeFileSync(file, lines.join('\n'));
    const store = join(scratch, 'altered-store');
    const result = ds(['--store', `file:${store}`, 'import', file], { cwd: scratch });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`altered\\.ndjson line ${index + 1}: stream run-${p.deepRunId} revision \\d+ .*content does not match its hash.*\\[IMPORT_CHAIN_BROKEN\\]`),
    );
    expect(existsSync(join(store, 'events'))).toBe(false);
  });

  it('given a store that diverged from the file, when imported, then the conflict is refused and the store is unchanged', async () => {
    const store = join(scratch, 'diverged-store');
    // Its own ProjectCreated at project-default@0, under another event id (as ds init wrote it before D124 derived the id).
    const diverged = await openDotscience({ cwd: scratch, env: {}, settings: { store: `file:${store}` }, createStore: true, hashWorkers: 1 });
    try {
      const created = { id: randomUUID(), type: 'ProjectCreated', schemaVersion: 1, data: { id: 'default', name: 'default' }, meta: {} };
      await diverged.events.append('project-default', [created], { expectedRevision: 'no_stream' });
    } finally {
      await diverged.close();
    }
    const before = ds(['--store', `file:${store}`, 'export'], { cwd: scratch }).stdout;
    const result = ds(['--store', `file:${store}`, 'import', '-'], { cwd: scratch, input: ds(['export'], { cwd: p.project }).stdout });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/line 1: stream project-default revision 0 is event \S+ in this store but \S+ in the file .*\[IMPORT_CONFLICT\]/);
    expect(ds(['--store', `file:${store}`, 'export'], { cwd: scratch }).stdout).toBe(before);
  });

  it('given data objects no event refers to, when gc runs, then a dry run only counts them and a real run removes exactly them', async () => {
    const copy = join(scratch, 'gc-project');
    cpSync(p.project, copy, { recursive: true });
    const objectCount = (): number => {
      const root = join(copy, '.dotscience/data/objects/sha256');
      return readdirSync(root).reduce((n, d) => n + readdirSync(join(root, d)).length, 0);
    };
    const clean = dsJson<{ objectsRemoved: number; objectsKept: number }>(['gc', '--dry-run'], { cwd: copy });
    expect(clean.objectsRemoved).toBe(0);
    const kept = objectCount();
    expect(clean.objectsKept).toBe(kept);

    // Data captured but never declared (a script that crashed between capture and declaration) is referred to by no event.
    writeFileSync(join(copy, 'scratch.bin'), 'never declared');
    const store = await openDotscience({ cwd: copy, env: {}, hashWorkers: 1 });
    await store.data.capture(join(copy, 'scratch.bin')).finally(() => store.close());
    const dry = dsJson<{ dryRun: boolean; objectsRemoved: number }>(['gc', '--dry-run'], { cwd: copy });
    expect(dry).toMatchObject({ dryRun: true, objectsRemoved: 1 });
    expect(objectCount()).toBe(kept + 1);
    const real = dsJson<{ dryRun: boolean; objectsRemoved: number; objectsKept: number }>(['gc'], { cwd: copy });
    expect(real).toMatchObject({ dryRun: false, objectsRemoved: 1, objectsKept: kept });
    expect(objectCount()).toBe(kept);
    expect(ds(['reproduce', p.trainRunId, join(scratch, 'after-gc')], { cwd: copy }).code).toBe(0);
  });

  it('given a user projection module, when replayed up to a position, then only the events up to it are applied', () => {
    const module = join(scratch, 'metric-count.mjs');
    writeFileSync(
      module,
      `export default { name: 'metricCount', version: 1, initial: { points: 0, runs: 0 }, handlers: {
        MetricRecorded: (s) => { s.points++; },
        RunStarted: (s) => { s.runs++; },
      } };\n`,
    );
    const all = dsJson<{ projection: string; state: { points: number; runs: number }; position: number }>(['replay', '--projection', module], {
      cwd: p.project,
    });
    expect(all.projection).toBe('metricCount');
    expect(all.state).toEqual({ points: 6, runs: 4 });
    const events = parseLines(ds(['export'], { cwd: p.project }).stdout);
    const secondStart = events.filter((e) => e.type === 'RunStarted')[1]!;
    const early = dsJson<{ state: { points: number; runs: number }; position: number }>(
      ['replay', '--projection', module, '--until', String(secondStart.position)],
      { cwd: p.project },
    );
    expect(early).toMatchObject({ state: { points: 0, runs: 2 }, position: secondStart.position });
    const atTime = dsJson<{ state: { runs: number } }>(['replay', '--projection', module, '--until', '2000-01-01T00:00:00Z'], { cwd: p.project });
    expect(atTime.state.runs).toBe(0);
    const builtIn = ds(['replay'], { cwd: p.project });
    expect(builtIn.stdout).toMatch(/runs\s+4 \(4 published\)/);
  });

  it('given a bad projection module or until, when replayed, then the error is one line naming it', () => {
    const bad = join(scratch, 'no-projection.mjs');
    writeFileSync(bad, 'export const answer = 42;\n');
    expect(ds(['replay', '--projection', bad], { cwd: p.project }).stderr).toMatch(
      /^ds: projection module .*no-projection\.mjs: exports no projection.*\[PROJECTION_MODULE\]\n$/,
    );
    expect(ds(['replay', '--until', 'yesterday'], { cwd: p.project }).stderr).toMatch(/^ds: invalid replay --until .*ISO-8601.*\[INVALID_INPUT\]\n$/);
  });

  it('given a new directory, when ds init runs twice, then the config and store are created once and the second run changes nothing', () => {
    const dir = join(scratch, 'fresh');
    cpSync(join(p.project, 'train.js'), join(dir, 'train.js'));
    const first = ds(['init', '--json'], { cwd: dir });
    expect(JSON.parse(first.stdout)).toMatchObject({ configCreated: true, projectCreated: true, configFile: join(dir, '.dotscience/config.json') });
    const second = JSON.parse(ds(['init', '--json'], { cwd: dir }).stdout);
    expect(second).toMatchObject({ configCreated: false, projectCreated: false });
    expect(parseLines(ds(['export'], { cwd: dir }).stdout).map((e) => e.type)).toEqual(['ProjectCreated']);
    expect(ds(['--project', 'other', 'init'], { cwd: dir }).stderr).toMatch(/^ds: project .*config\.json.*edit the file.*\[INVALID_CONFIGURATION\]\n$/);
  });
});
