import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import {
  eventApplier,
  modelsProjection,
  parseQuery,
  provenanceProjection,
  runsProjection,
  type ModelsState,
  type NewEvent,
  type Projection,
  type ProvenanceState,
  type RunsState,
  type RunView,
} from '@dotscience/core';
import { FsEventStore } from '@dotscience/adapters-fs';
import { SqliteRunReadModel } from '@dotscience/adapters-sqlite';
import { recordFigures } from './campaign-figures.js';
import { FULL_SCALE } from './campaign-scale.js';

const CLI = resolve(import.meta.dirname, '../packages/cli/dist/main.js');
const ROUNDS = FULL_SCALE ? 60 : 8;
/** Runs appended before each round, so every `ds runs` has a tail to catch up with (a rebuild every third round). */
const RUNS_PER_ROUND = FULL_SCALE ? 5_000 : 2_200;

const project = mkdtempSync(join(tmpdir(), 'ds-fault-read-model-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

const event = (type: string, data: NewEvent['data']): NewEvent => ({ id: randomUUID(), type, schemaVersion: 1, data, meta: {} });

async function appendRuns(store: FsEventStore, count: number, round: number): Promise<void> {
  const appendRun = (i: number) => {
    const runId = randomUUID();
    const at = new Date(Date.UTC(2026, 0, 1) + (round * count + i) * 1000).toISOString();
    return store.append(`run-${runId}`, [
      event('RunStarted', {
        runId,
        projectId: 'p',
        mode: 'script',
        workload: { script: 'sweep.py' },
        codeVersion: {},
        environment: { runtime: 'node', os: 'linux', host: 'h', user: 'u' },
        startedAt: at,
      }),
      event('ParameterRecorded', { name: 'depth', value: i % 5 }),
      event('MetricRecorded', { name: 'accuracy', value: (i % 100) / 100, at }),
      event('RunPublished', { endedAt: at, headHash: 'x' }),
    ]);
  };
  // 100 runs at a time: their appends share group commits.
  for (let i = 0; i < count; i += 100) await Promise.all(Array.from({ length: Math.min(100, count - i) }, (_, j) => appendRun(i + j)));
}

/** `count` runs, each with a version of one model (a model entry of many versions, D118), appended 100 runs at a time. */
async function appendRunsWithModels(store: FsEventStore, count: number, firstVersion: number): Promise<void> {
  for (let i = 0; i < count; i += 100) {
    const runIds = Array.from({ length: Math.min(100, count - i) }, () => randomUUID());
    await Promise.all(
      runIds.map((runId) =>
        store.append(`run-${runId}`, [
          event('RunStarted', {
            runId,
            projectId: 'p',
            mode: 'script',
            workload: { script: 'train.py' },
            codeVersion: {},
            environment: { runtime: 'node', os: 'linux', host: 'h', user: 'u' },
            startedAt: new Date(Date.UTC(2026, 0, 1)).toISOString(),
          }),
        ]),
      ),
    );
    await store.append(
      'model-churn',
      runIds.map((runId, k) => {
        const version = firstVersion + i + k;
        const digest = `sha256:${version.toString(16).padStart(64, '0')}`;
        return event('ModelVersionCreated', {
          name: 'churn',
          version,
          ref: { store: 'fs', digest, kind: 'file', bytes: 1, files: 1 },
          producedBy: runId,
          metrics: {},
        });
      }),
    );
  }
}

/** A projection's state after the log's events up to `position` (inclusive). */
async function stateUpTo<S>(store: FsEventStore, projection: Projection<S>, position: number): Promise<S> {
  const apply = eventApplier(projection);
  let state = structuredClone(projection.initial);
  for await (const e of store.readAll({ maxCount: position + 1 })) state = apply(state, e);
  return state;
}

/** The models and the provenance activities and entities in the file (no catch-up), and the position their checkpoint names. */
function entriesIn(file: string): { position: number; entries: Record<string, Array<[string, unknown]>> } {
  const db = new Database(file, { readonly: true });
  try {
    if (db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'projection_entries'").get() === undefined) return { position: -1, entries: {} };
    const row = db.prepare("SELECT value FROM read_model WHERE key = 'entries.position'").get() as { value: number } | undefined;
    const entries: Record<string, Array<[string, unknown]>> = {};
    // A model entry holds the lengths of its versions and history; their items are rows of their own (D171).
    const items = db.prepare("SELECT value FROM projection_list_items WHERE record = 'models' AND key = ? AND field = ? AND seq < ? ORDER BY seq");
    const whole = (record: string, key: string, value: Record<string, unknown>): unknown => {
      if (record === 'models')
        for (const field of ['versions', 'history'])
          if (typeof value[field] === 'number')
            value[field] = (items.all(key, field, value[field]) as Array<{ value: string }>).map((item) => JSON.parse(item.value) as unknown);
      return value;
    };
    for (const record of ['models', 'provenance.activities', 'provenance.entities']) {
      const rows = db.prepare('SELECT key, value FROM projection_entries WHERE record = ? ORDER BY id').all(record) as Array<{ key: string; value: string }>;
      entries[record] = rows.map((r) => [r.key, whole(record, r.key, JSON.parse(r.value) as Record<string, unknown>)]);
    }
    return { position: row?.value ?? -1, entries };
  } finally {
    db.close();
  }
}

/** What `entriesIn` must find at `position`: the models and provenance projections' states there. */
async function expectedEntries(store: FsEventStore, position: number): Promise<Record<string, Array<[string, unknown]>>> {
  const models = await stateUpTo<ModelsState>(store, modelsProjection, position);
  const { graph } = await stateUpTo<ProvenanceState>(store, provenanceProjection, position);
  return { models: Object.entries(models), 'provenance.activities': Object.entries(graph.activities), 'provenance.entities': Object.entries(graph.entities) };
}

/**
 * Runs `ds <args>` in `cwd` and SIGKILLs it: on even rounds right after it has committed its first batch (`committed`
 * turns true; the rest of the tail is in its memory only), on odd rounds at a random moment.
 */
async function killMidCatchUp(cwd: string, args: readonly string[], round: number, committed: () => boolean): Promise<void> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: 'ignore' });
  let exited = false;
  child.once('exit', () => (exited = true));
  if (round % 2 === 0) {
    const deadline = Date.now() + 60_000;
    while (!exited && Date.now() < deadline && !committed()) await sleep(10);
  } else {
    await sleep(300 + Math.random() * 2_500);
  }
  child.kill('SIGKILL');
  while (!exited) await sleep(10);
}

async function lastPositionOf(store: FsEventStore, from: number): Promise<number> {
  let last = -1;
  for await (const e of store.readAll({ fromPosition: Math.max(0, from) })) last = e.position;
  return last;
}

/** The runs projection of the log's events up to `position` (inclusive): what a read model checkpointed there must hold. */
async function projectionUpTo(store: FsEventStore, position: number): Promise<RunsState> {
  const apply = eventApplier(runsProjection);
  let state: RunsState = {};
  for await (const e of store.readAll({ maxCount: position + 1 })) state = apply(state, e);
  return state;
}

/** Every run in the file as it is (no catch-up), by id, and the position it says it reflects. */
function fileContents(file: string): { position: number; views: RunView[] } {
  const db = new Database(file, { readonly: true });
  try {
    // Killed after the file was made and before its tables were: an empty read model.
    if (db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'runs'").get() === undefined) return { position: -1, views: [] };
    const row = db.prepare("SELECT value FROM read_model WHERE key = 'position'").get() as { value: number } | undefined;
    const views = (db.prepare('SELECT view FROM runs ORDER BY run_id').all() as Array<{ view: string }>).map((r) => JSON.parse(r.view) as RunView);
    return { position: row?.value ?? -1, views };
  } finally {
    db.close();
  }
}

describe('the runs read model under SIGKILL mid catch-up', () => {
  it(`kills ds runs at random moments of ${ROUNDS} catch-ups; the file always holds the runs projection at its checkpoint, and answers as a rebuild`, async () => {
    expect(spawnSync(process.execPath, [CLI, 'init'], { cwd: project }).status).toBe(0);
    const file = join(project, '.dotscience/read-model.sqlite');
    const store = await FsEventStore.open(join(project, '.dotscience/events'));
    let killedMidway = 0;
    let mismatches = 0;
    try {
      for (let round = 0; round < ROUNDS; round++) {
        await appendRuns(store, RUNS_PER_ROUND, round);
        if (round % 3 === 2 && existsSync(file)) rmSync(file);
        const before = existsSync(file) ? fileContents(file).position : -1;
        await killMidCatchUp(project, ['runs', '--limit', '1'], round, () => (existsSync(file) ? fileContents(file).position : -1) > before);
        if (!existsSync(file)) continue;
        const { position, views } = fileContents(file);
        if (position > before && position < (await lastPositionOf(store, position))) killedMidway++;
        const expected = Object.values(await projectionUpTo(store, position)).sort((a, b) => (a.runId < b.runId ? -1 : 1));
        if (JSON.stringify(views) !== JSON.stringify(expected)) mismatches++;
      }
      // The survivor, caught up, answers as a read model built from nothing.
      const survivor = SqliteRunReadModel.open({ file, events: store });
      const fresh = SqliteRunReadModel.open({ file: join(project, 'fresh.sqlite'), events: store });
      try {
        await survivor.catchUp();
        await fresh.catchUp();
        for (const filter of ['', 'metrics.accuracy > 0.9 and params.depth = 3', 'params.depth in (1, 2) order by metrics.accuracy desc']) {
          const request = { query: parseQuery(filter), limit: 50 };
          expect(await survivor.runs(request)).toEqual(await fresh.runs(request));
        }
      } finally {
        await survivor.close();
        await fresh.close();
      }
    } finally {
      await store.close();
    }
    recordFigures({
      id: '9-read-model-kills',
      title: 'Runs read model: SIGKILL of ds runs during catch-up',
      rows: [
        ['SIGKILLs', ROUNDS],
        ['runs appended before each', RUNS_PER_ROUND],
        ["kills that left a read model between its start and the log's end", killedMidway],
        ['read models differing from the runs projection at their checkpoint', mismatches],
      ],
      notes: [
        'Even rounds kill ds runs as soon as it has committed its first batch (2,000 runs); odd rounds at a random moment. Every third round deletes the file first (a rebuild from the whole log is killed); the others kill a catch-up of the tail.',
      ],
    });
    expect(mismatches).toBe(0);
  });

  it(`kills ds models at random moments of ${ROUNDS} catch-ups of its entries (D142); the file always holds the models and provenance at the entries' checkpoint`, async () => {
    const entriesProject = mkdtempSync(join(tmpdir(), 'ds-fault-read-model-entries-'));
    expect(spawnSync(process.execPath, [CLI, 'init'], { cwd: entriesProject }).status).toBe(0);
    const file = join(entriesProject, '.dotscience/read-model.sqlite');
    const store = await FsEventStore.open(join(entriesProject, '.dotscience/events'));
    let killedMidway = 0;
    let mismatches = 0;
    try {
      for (let round = 0; round < ROUNDS; round++) {
        await appendRunsWithModels(store, RUNS_PER_ROUND, round * RUNS_PER_ROUND + 1);
        if (round % 3 === 2 && existsSync(file)) rmSync(file);
        const before = existsSync(file) ? entriesIn(file).position : -1;
        await killMidCatchUp(entriesProject, ['models', '--json'], round, () => (existsSync(file) ? entriesIn(file).position : -1) > before);
        if (!existsSync(file)) continue;
        const { position, entries } = entriesIn(file);
        if (position > before && position < (await lastPositionOf(store, position))) killedMidway++;
        if (JSON.stringify(entries) !== JSON.stringify(await expectedEntries(store, position))) mismatches++;
      }
      // The survivor, caught up, answers as a read model built from nothing.
      const survivor = SqliteRunReadModel.open({ file, events: store });
      const fresh = SqliteRunReadModel.open({ file: join(entriesProject, 'fresh.sqlite'), events: store });
      try {
        await survivor.provenance.catchUp();
        await fresh.provenance.catchUp();
        expect(await survivor.provenance.models()).toEqual(await fresh.provenance.models());
        const node = await fresh.provenance.lineageNode('churn');
        expect(await survivor.provenance.lineage(node, 'both')).toEqual(await fresh.provenance.lineage(node, 'both'));
      } finally {
        await survivor.close();
        await fresh.close();
      }
    } finally {
      await store.close();
      rmSync(entriesProject, { recursive: true, force: true });
    }
    recordFigures({
      id: '9-read-model-entries-kills',
      title: 'Datasets, models and provenance entries of the read model: SIGKILL of ds models during catch-up',
      rows: [
        ['SIGKILLs', ROUNDS],
        ['runs, each with a version of one model, appended before each', RUNS_PER_ROUND],
        ["kills that left the entries between their start and the log's end", killedMidway],
        ['entries differing from the models and provenance projections at their checkpoint', mismatches],
      ],
      notes: [
        'Even rounds kill ds models --json as soon as it has committed its first batch of entries; odd rounds at a random moment. Every third round deletes the file first. The entries have their own checkpoint (D142): the runs tables are not caught up by ds models --json.',
      ],
    });
    expect(mismatches).toBe(0);
  });
});
