import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { eventApplier, parseQuery, runsProjection, type NewEvent, type RunsState, type RunView } from '@dotscience/core';
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
        const child = spawn(process.execPath, [CLI, 'runs', '--limit', '1'], { cwd: project, stdio: 'ignore' });
        let exited = false;
        child.once('exit', () => (exited = true));
        if (round % 2 === 0) {
          // Killed right after its first batch is committed: the rest of the tail is in its memory only.
          const deadline = Date.now() + 60_000;
          while (!exited && Date.now() < deadline && !(existsSync(file) && fileContents(file).position > before)) await sleep(10);
        } else {
          await sleep(300 + Math.random() * 2_500);
        }
        child.kill('SIGKILL');
        while (!exited) await sleep(10);
        if (!existsSync(file)) continue;
        const { position, views } = fileContents(file);
        let lastPosition = -1;
        for await (const e of store.readAll({ fromPosition: Math.max(0, position) })) lastPosition = e.position;
        if (position > before && position < lastPosition) killedMidway++;
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
});
