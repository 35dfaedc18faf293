/**
 * The runs read model at 1k / 10k / 100k runs (issue 22): the commands a user
 * meets, spawn to exit of the built CLI — `ds runs` (first page), a filtered
 * page, `ds show`, `ds lineage` of the model — with each one's peak memory
 * (/usr/bin/time), the extra time of a `ds runs` that first catches up with
 * 1,000 runs another process appended, and the read model built from nothing
 * by `ds runs` (events/s, its start included).
 * Each run: start, 5 parameters, an input, an output, a model, a label, 2 metric
 * points (loss, accuracy), a summary value, publish (14 events), decided by the
 * real run rules, plus the model version it made (15 events per run in all).
 * `node bench/run-bundled.mjs read-model <cli main.js> [sizes, e.g. 1000,10000,100000]`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decideRun, decideRunBatch, initialRunState, type NewEvent, type RunCommandInput } from '../packages/core/src/index.js';
import { FsEventStore } from '../packages/adapters-fs/src/event-store/index.js';
import { T0, digest, metricCommands, startCommand } from '../packages/core/bench/run-history.js';
import { machineLine, measureSeconds, summarise } from '../packages/core/bench/measurement.js';
import { runCommand, timeCommand } from './command-timing.js';

const BENCH = 'runs read model';
const cli = process.argv[2];
if (!cli) throw new Error('usage: read-model.bench.mjs <packages/cli/dist/main.js> [sizes]');
const sizes = (process.argv[3] ?? '1000,10000,100000').split(',').map(Number);
const FILTER = 'metrics.accuracy > 0.9 and params.depth = 3';
const META = { actor: { user: 'ada', host: 'lab' } };
/** BENCH_READ_MODEL_SEED_ONLY=1: seed each size, print the project's path and keep it (for profiling); nothing is measured. */
const SEED_ONLY = process.env.BENCH_READ_MODEL_SEED_ONLY === '1';
/**
 * Sizes of at least BENCH_READ_MODEL_LEAN_FROM runs (default 1,000,000) are seeded with lean runs: start,
 * the `depth` parameter, the `accuracy` metric, publish and the model version (5 events, not 15), so the
 * 1M point fits this machine's time and disk; the output says so.
 */
const LEAN_FROM = Number(process.env.BENCH_READ_MODEL_LEAN_FROM ?? 1_000_000);

let ids = 0;
const newEvent = (e: { type: string; data: unknown }): NewEvent => ({
  id: `00000000-0000-4000-8000-${(ids++).toString(16).padStart(12, '0')}`,
  type: e.type,
  schemaVersion: 1,
  data: e.data as NewEvent['data'],
  meta: META,
});

function commandsOf(run: number, lean: boolean): RunCommandInput[] {
  if (lean)
    return [
      startCommand(run),
      { kind: 'recordParameter', name: 'depth', value: (run * 7 + 1) % 13 },
      { kind: 'recordMetric', name: 'accuracy', value: (run % 100) / 100, step: 0, at: T0 },
    ];
  const ref = (n: number, kind: 'file' | 'directory' = 'file') => ({ store: 'fs', digest: digest(n), kind, bytes: 1000 + n, files: 1 });
  return [
    startCommand(run),
    ...['lr', 'depth', 'model', 'seed', 'batch'].map((name, k): RunCommandInput => ({
      kind: 'recordParameter',
      name,
      value: name === 'model' ? ['tree', 'forest'][run % 2]! : (run * 7 + k) % 13,
    })),
    { kind: 'declareInput', path: 'data/train.csv', dataset: 'train', version: ref(run % 10) },
    { kind: 'declareOutput', path: 'out/features', dataset: 'features', version: ref(1_000_000 + run, 'directory') },
    { kind: 'declareModel', name: 'churn-model', path: 'out/model.pkl', framework: 'sklearn', version: ref(2_000_000 + run) },
    { kind: 'addLabel', name: 'team', value: run % 2 === 0 ? 'vision' : 'nlp' },
    ...metricCommands(2).map((c, i): RunCommandInput => (i === 1 && c.kind === 'recordMetric' ? { ...c, value: (run % 100) / 100 } : c)),
    { kind: 'recordSummary', name: 'best', value: (run % 991) / 991 },
  ];
}

/** Seeding writes without an fdatasync per commit; the store's close makes it durable, as a sweep's last commit would. */
const SEEDING = { durability: 'deferred' } as const;

/** Appends runs [from, to) (200 at a time, sharing group commits) with the model version each made; returns the events appended. */

async function appendRuns(store: FsEventStore, from: number, to: number, modelVersion: { next: number }, lean = false): Promise<number> {
  let events = 0;
  for (let chunk = from; chunk < to; chunk += 200) {
    const runs = Array.from({ length: Math.min(200, to - chunk) }, (_, k) => chunk + k);
    await Promise.all(
      runs.map(async (run) => {
        const runId = `r${run.toString().padStart(7, '0')}`;
        const { events: decided, state } = decideRunBatch(initialRunState(runId), commandsOf(run, lean));
        const written = await store.append(`run-${runId}`, decided.map(newEvent), SEEDING);
        const head = written.events[written.events.length - 1]!.hash;
        await store.append(
          `run-${runId}`,
          decideRun(state, { kind: 'publish', endedAt: new Date(Date.UTC(2026, 0, 31, 13) + run * 1000).toISOString(), headHash: head }).map(newEvent),
          SEEDING,
        );
        events += decided.length + 1;
      }),
    );
    const versions = runs.map((run) => ({
      type: 'ModelVersionCreated',
      data: {
        name: 'churn-model',
        version: modelVersion.next++,
        ref: { store: 'fs', digest: digest(2_000_000 + run), kind: 'file', bytes: 1000, files: 1 },
        producedBy: `r${run.toString().padStart(7, '0')}`,
        framework: 'sklearn',
        path: 'out/model.pkl',
        metrics: { loss: Math.sin(run) },
      },
    }));
    await store.append('model-churn-model', versions.map(newEvent), SEEDING);
    events += versions.length;
  }
  return events;
}

/** Peak resident memory of one run of the command, MB (GNU time's %M). */
function peakMegabytes(args: readonly string[], cwd: string): number {
  const result = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr.slice(-1000)}`);
  return Number(result.stderr.trim().split('\n').pop()) / 1024;
}

/**
 * BENCH_READ_MODEL_APPEND=<project>,<first run>,<runs>: append that many runs (of the seeded kind) to a project
 * kept by BENCH_READ_MODEL_SEED_ONLY, as another process would, and exit (to time a catch-up by hand).
 */
const APPEND = process.env.BENCH_READ_MODEL_APPEND?.split(',');
if (APPEND !== undefined) {
  const [project, first, count] = APPEND as [string, string, string];
  ids = 2 ** 40 + Number(first) * 32; // event ids no seeding or earlier append used (≤ 16 events per run)
  const store = await FsEventStore.open(join(project, '.dotscience', 'events'));
  const appended = await appendRuns(store, Number(first), Number(first) + Number(count), { next: Number(first) + 1 });
  await store.close();
  console.log(`appended ${appended.toLocaleString('en-US')} events to ${project}`);
  process.exit(0);
}

console.log(machineLine());
for (const runs of sizes) {
  const project = mkdtempSync(join(tmpdir(), 'ds-read-model-bench-'));
  const label = runs.toLocaleString('en-US');
  try {
    const init = JSON.parse(runCommand(process.execPath, [cli, 'init', '--json'], { cwd: project })) as { store: string };
    let store = await FsEventStore.open(join(init.store, 'events'));
    const modelVersion = { next: 1 };
    const seeded = Date.now();
    const lean = runs >= LEAN_FROM;
    const events = await appendRuns(store, 0, runs, modelVersion, lean);
    const seconds = (Date.now() - seeded) / 1000;
    console.log(
      `${label} runs: ${events.toLocaleString('en-US')} events seeded in ${seconds.toFixed(1)} s (${Math.round(events / seconds).toLocaleString('en-US')} events/s)` +
        (lean ? ' — lean runs (start, depth, accuracy, publish, model version: 5 events each, not 15)' : ''),
    );
    // Closed as the process that recorded the runs would be: its index snapshot covers the whole log.
    await store.close();
    if (SEED_ONLY) {
      console.log(`seeded project kept: ${project}`);
      continue;
    }

    const cwd = { cwd: project };
    // Built from nothing by the CLI (the figure includes its start, ~0.5 s), then again after deleting the file.
    const file = join(init.store, 'read-model.sqlite');
    const builds: number[] = [];
    for (let round = 0; round < 2; round++) {
      if (existsSync(file)) rmSync(file);
      builds.push(events / (timeCommand(process.execPath, [cli, 'runs', '--limit', '1'], cwd) / 1000));
    }
    summarise(
      BENCH,
      `read model built from nothing by \`ds runs\`, ${label} runs (events/s, CLI start included)`,
      'events/s',
      builds,
      events,
      `read-model.build.${runs}`,
    );

    const shown = `r${Math.floor(runs / 2)
      .toString()
      .padStart(7, '0')}`;
    const commands: Array<[key: string, name: string, args: string[]]> = [
      ['runs', '`ds runs` (first page of 50)', [cli, 'runs']],
      ['filter', `\`ds runs --filter "${FILTER}" --limit 50\``, [cli, 'runs', '--filter', FILTER, '--limit', '50']],
      ['show', '`ds show <run>`', [cli, 'show', shown]],
      ['lineage', '`ds lineage churn-model`', [cli, 'lineage', 'churn-model']],
    ];
    const medians: Record<string, number> = {};
    for (const [key, name, args] of commands) {
      const m = await measureSeconds(BENCH, `${name}, ${label} runs`, async () => timeCommand(process.execPath, args, cwd), {
        key: `read-model.${key}.${runs}`,
      });
      medians[key] = m.median;
      summarise(BENCH, `${name}, ${label} runs: peak memory`, 'MB', [peakMegabytes(args, project)], 1, `read-model.${key}-memory.${runs}`);
    }
    const extra: number[] = [];
    const lineageExtra: number[] = [];
    store = await FsEventStore.open(join(init.store, 'events'));
    for (let round = 0; round < 3; round++) {
      await appendRuns(store, runs + round * 1000, runs + (round + 1) * 1000, modelVersion, lean);
      extra.push(timeCommand(process.execPath, [cli, 'runs'], cwd) / 1000 - medians['runs']!);
      // The datasets, models and provenance entries catch up apart from the runs (D142): what a lineage after new runs pays (D185).
      lineageExtra.push(timeCommand(process.execPath, [cli, 'lineage', 'churn-model'], cwd) / 1000 - medians['lineage']!);
    }
    summarise(BENCH, `\`ds runs\` catching up with 1,000 new runs, ${label} runs: extra`, 's', extra, 1, `read-model.catch-up.${runs}`);
    summarise(
      BENCH,
      `\`ds lineage churn-model\` catching up with 1,000 new runs, ${label} runs: extra`,
      's',
      lineageExtra,
      1,
      `read-model.lineage-catch-up.${runs}`,
    );
    await store.close();
  } finally {
    if (!SEED_ONLY) rmSync(project, { recursive: true, force: true });
  }
}
