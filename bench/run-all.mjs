// `pnpm bench`: run every benchmark of the repository in one go, with the peers and
// limits in the same run, then write bench/results.json and render docs/benchmarks.md.
// Sizes: see bench/bench-settings.mjs (environment variables). Needs a built CLI (`tsc -b`,
// which `pnpm bench` runs first).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem, type } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchSettings, stepTimeoutSeconds } from './bench-settings.mjs';
import { comparisonRows, evaluateRows } from './comparison-rows.mjs';
import { ensurePeerTools } from './peer-tools.mjs';
import { renderBenchmarks } from './report-markdown.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const cli = join(repo, 'packages/cli/bundle/ds.cjs');
const started = new Date();
const loadStart = loadavg();
const settings = benchSettings();
const scratch = mkdtempSync(join(tmpdir(), 'ds-bench-all-'));
const resultsFile = join(scratch, 'results.jsonl');
const log = (text) => console.log(`\n[bench] ${text}`);

function machine() {
  const mount = spawnSync('findmnt', ['-n', '-o', 'FSTYPE,SOURCE,OPTIONS', '--target', tmpdir()], { encoding: 'utf8' });
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${type()} ${release()}`,
    node: process.version,
    tmpdir: tmpdir(),
    tmpFileSystem: mount.status === 0 ? mount.stdout.trim().replace(/\s+/g, ' ') : 'unknown (no findmnt)',
  };
}

/** Run one step as a child process with its share of the time; its figures go to `resultsFile` as JSON lines. */
function runStep(step) {
  // A step that seeds a big store has a larger share of its own (`shareSeconds`); BENCH_STEP_TIMEOUT_S may raise it further.
  const timeout = Math.max(stepTimeoutSeconds(), step.shareSeconds ?? 0);
  const command = [relative(repo, step.args[0]) || step.args[0], ...step.args.slice(1).map((a) => (a.startsWith(repo) ? relative(repo, a) || '.' : a))];
  const shown = `${step.command ?? 'node'} ${command.join(' ')}`;
  log(`${step.name}: ${shown}`);
  const begin = performance.now();
  return new Promise((resolveStep) => {
    const child = spawn(step.command ?? process.execPath, step.args, {
      cwd: repo,
      env: { ...process.env, BENCH_RESULTS: resultsFile, ...step.env },
      stdio: ['ignore', 'inherit', 'pipe'],
      detached: true,
    });
    // Its own process group, so that stopping it also stops what it spawned (bundled bench, git-annex, DataLad …).
    const stopGroup = (signal) => {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    const onInterrupt = () => stopGroup('SIGTERM');
    process.once('SIGINT', onInterrupt);
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      process.stderr.write(chunk);
      stderr = (stderr + chunk).slice(-4000);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      stopGroup('SIGTERM');
      setTimeout(() => stopGroup('SIGKILL'), 5000).unref();
    }, timeout * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      process.off('SIGINT', onInterrupt);
      const seconds = (performance.now() - begin) / 1000;
      const lastError =
        stderr
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => /error/i.test(l))
          .pop() ??
        stderr.trim().split('\n').pop() ??
        '';
      const outcome = timedOut
        ? `stopped after its ${timeout} s share (BENCH_STEP_TIMEOUT_S, or the step's own when larger); figures it had not reached are missing`
        : code === 0
          ? 'ok'
          : `failed (exit ${code ?? signal}): ${lastError.slice(0, 300)}`;
      resolveStep({ name: step.name, command: shown, seconds, outcome });
    });
  });
}

/** vitest bench's JSON (`--outputJson`) as measurement lines: times in ms per iteration. */
function vitestFigures(file, bench) {
  const found = [];
  const walk = (node) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      if (typeof node.name === 'string' && typeof node.mean === 'number' && typeof node.min === 'number')
        found.push({
          bench,
          name: node.name,
          unit: 'ms',
          median: node.median ?? node.p50 ?? node.mean,
          min: node.min,
          max: node.max,
          runs: node.sampleCount ?? node.samples?.length ?? 0,
          rates: [],
          count: 1,
        });
      else Object.values(node).forEach(walk);
    }
  };
  walk(JSON.parse(readFileSync(file, 'utf8')));
  return found;
}

const appendFigures = (figures) => writeFileSync(resultsFile, figures.map((f) => `${JSON.stringify(f)}\n`).join(''), { flag: 'a' });
const skip = (bench, key, name, reason) => appendFigures([{ bench, key, name, skipped: reason }]);

/** The ZFS step, or the reason there is none. */
function zfsStep() {
  const bench = 'adapters-zfs: capture scaling';
  const skipBoth = (reason) => {
    skip(bench, 'zfs.capture', 'ZFS capture', reason);
    skip(bench, 'zfs.fs-capture', 'fs store first capture, same data', reason);
    return null;
  };
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return skipBoth('needs root (zfs create/snapshot/clone)');
  const pools = spawnSync('zpool', ['list', '-H', '-o', 'name'], { encoding: 'utf8' });
  if (pools.error) return skipBoth(`no ZFS here (zpool: ${pools.error.code ?? pools.error.message})`);
  const pool = process.env.DOTSCIENCE_ZFS_TEST_DATASET || pools.stdout.trim().split('\n').filter(Boolean)[0];
  if (pools.status !== 0 || !pool) return skipBoth(`no ZFS pool available (${(pools.stderr || 'zpool list shows none').trim().split('\n')[0]})`);
  return {
    name: 'ZFS capture scaling',
    args: [join(repo, 'packages/adapters-zfs/bench/capture-scaling-run.mjs'), pool, ...(process.env.BENCH_ZFS_MIB || '1 200').split(/\s+/)],
  };
}

async function main() {
  if (!existsSync(cli)) throw new Error(`${relative(repo, cli)} is missing: build it first (pnpm bench runs tsc -b and pnpm bundle before this script)`);
  log(`load average at start: ${loadStart.map((l) => l.toFixed(2)).join(' ')}`);
  const peers = ensurePeerTools((t) => log(t));
  log(`peers: ${JSON.stringify(peers.versions)}${peers.note ? ` — ${peers.note}` : ''}`);
  const peerEnv = peers.note ? { BENCH_PEER_INSTALL_NOTE: peers.note } : {};
  const s = settings;
  const queryJson = join(scratch, 'query.json');
  const steps = [
    {
      name: 'dataset capture vs peers',
      args: [join(here, 'dataset-capture/dataset-capture-run.mjs'), String(s.bigFileMiB.value), String(s.mediumFiles.value), String(s.smallFiles.value)],
      env: peerEnv,
    },
    { name: 'runner overhead', args: [join(here, 'run-bundled.mjs'), 'runner-overhead', cli], env: peerEnv },
    { name: 'durable appends vs SQLite', args: [join(here, 'run-bundled.mjs'), 'durable-appends', repo] },
    { name: 'event store', args: [join(repo, 'packages/adapters-fs/bench/event-store-run.mjs'), String(s.replayEvents.value)] },
    {
      name: 'data store',
      args: [join(repo, 'packages/adapters-fs/bench/data-store-run.mjs'), String(s.dataStoreMiB.value), String(s.dataStoreSmallFiles.value)],
    },
    { name: 'core: run lifecycle', args: [join(repo, 'packages/core/bench/core-bench-run.mjs'), 'run-lifecycle'] },
    { name: 'core: projection replay', args: [join(repo, 'packages/core/bench/core-bench-run.mjs'), 'projection-replay', String(s.projectionEvents.value)] },
    {
      name: 'core: run query (vitest bench)',
      args: [join(repo, 'node_modules/vitest/vitest.mjs'), 'bench', '--run', 'packages/core/bench/query.bench.ts', '--outputJson', queryJson],
      after: () => appendFigures(vitestFigures(queryJson, 'core: run query')),
    },
    { name: '`ds runs` cold start', args: [join(here, 'run-bundled.mjs'), 'runs-cold-start', cli, String(s.coldStartRuns.value)] },
    { name: 'ds start', args: [join(here, 'run-bundled.mjs'), 'cli-start', cli] },
    { name: 'runs read model', args: [join(here, 'run-bundled.mjs'), 'read-model', cli, process.env.BENCH_READ_MODEL_SIZES || '1000,10000,100000'] },
    // Seeds 100k full runs (3.2M events) and has the hub build their read model: 746 s at load ~9 (bench/benchmark-notes.md, D146 rows).
    {
      name: 'hub read model: cold first page',
      args: [join(here, 'run-bundled.mjs'), 'hub-cold-start', cli, process.env.BENCH_HUB_RUNS || '100000'],
      shareSeconds: 900,
    },
    { name: 'receipts ledger', args: [join(here, 'run-bundled.mjs'), 'receipts-ledger', process.env.BENCH_RECEIPT_LINES || '100000'] },
    { name: 'ds.metric() × N', args: [join(repo, 'packages/sdk/bench/metric-calls-run.mjs'), String(s.metricCalls.value)] },
    { name: 'SDK sweep of runs', args: [join(repo, 'packages/sdk/bench/sweep-run.mjs'), String(s.sweepRuns.value)] },
    { name: 'environment capture', args: [join(here, 'run-bundled.mjs'), 'environment-capture'] },
    { name: 'model serving', args: [join(here, 'model-serving-run.mjs'), '1000', '10'] },
  ];
  const hub = join(repo, 'packages/adapters-http/bench/hub-run.mjs');
  if (existsSync(hub)) steps.push({ name: 'hub ingest and latency', args: [hub] }, { name: 'hub under attack', args: [hub, 'under-attack'] });
  else skip('adapters-http: hub', 'hub', 'hub', 'packages/adapters-http/bench/hub-run.mjs is not there');
  const zfs = zfsStep();
  if (zfs) steps.push(zfs);

  // `--only <text>`: run just the steps whose name contains it and merge their figures into the committed results.
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
  const chosen = only === undefined ? steps : steps.filter((step) => step.name.includes(only));
  if (chosen.length === 0) throw new Error(`--only ${only}: no step's name contains it (steps: ${steps.map((step) => step.name).join(', ')})`);
  // Only the chosen steps' figures count in a partial run (the skips noted while listing the steps are not).
  if (only !== undefined) rmSync(resultsFile, { force: true });
  const done = [];
  for (const step of chosen) {
    const result = await runStep(step);
    if (step.after && result.outcome === 'ok') {
      try {
        step.after();
      } catch (error) {
        result.outcome = `ran, but its figures could not be read: ${error.message}`;
      }
    }
    done.push(result);
  }

  const lines = existsSync(resultsFile)
    ? readFileSync(resultsFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];
  const measurements = lines.filter((l) => !l.skipped);
  const skips = lines.filter((l) => l.skipped);
  const failed = done.filter((d) => d.outcome !== 'ok');
  const missingReason = failed.length
    ? `not measured: ${failed.map((d) => `${d.name} ${d.outcome.split(':')[0]}`).join('; ')}`
    : 'not measured (no figure was reported for it)';
  const finished = new Date();
  const m = machine();
  const rows = evaluateRows(comparisonRows(settings), measurements, skips, missingReason).map((r) =>
    r.group ? r : { ...r, machine: `${m.cpu} × ${m.cores}`, date: started.toISOString().slice(0, 10) },
  );
  const results = {
    machine: m,
    run: {
      date: started.toISOString().slice(0, 10),
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      seconds: (finished - started) / 1000,
      loadStart,
      loadEnd: loadavg(),
      steps: done,
      command: 'pnpm bench',
    },
    peers,
    settings,
    rows,
    measurements: measurements.map(({ rates, ...rest }) => rest),
    skips,
  };
  if (only !== undefined) mergeIntoCommitted(results, { measurements, skips, missingReason });
  writeFileSync(join(here, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(repo, 'docs/benchmarks.md'), renderBenchmarks(results, join(here, 'benchmark-notes.md')));
  log(
    `wrote bench/results.json and docs/benchmarks.md (${((finished - started) / 1000).toFixed(0)} s; ${results.rows.filter((r) => r.met === false).length} targets missed, ${results.rows.filter((r) => r.skipped).length} rows skipped)`,
  );
}

/**
 * A partial run (`--only`) keeps the committed run's figures for every bench it did not run: the
 * benches it measured replace theirs, each row re-measured now carries today's date (the others keep
 * theirs), and the run records the partial run beside the full one it was merged into.
 */
function mergeIntoCommitted(results, fresh) {
  const committed = JSON.parse(readFileSync(join(here, 'results.json'), 'utf8'));
  const measured = new Set([...fresh.measurements, ...fresh.skips].map((f) => f.bench));
  const keep = (list) => list.filter((f) => !measured.has(f.bench));
  const measurements = [...keep(committed.measurements), ...fresh.measurements];
  const skips = [...keep(committed.skips), ...fresh.skips];
  const reMeasured = new Set(
    evaluateRows(comparisonRows(settings), fresh.measurements, fresh.skips, fresh.missingReason)
      .filter((r) => !r.group && !r.skipped)
      .map((r) => r.measure),
  );
  const before = new Map(committed.rows.filter((r) => !r.group).map((r) => [r.measure, r]));
  results.rows = evaluateRows(comparisonRows(settings), measurements, skips, fresh.missingReason).map((r) => {
    if (r.group) return r;
    const old = before.get(r.measure);
    if (reMeasured.has(r.measure)) return { ...r, machine: results.rows.find((n) => n.measure === r.measure)?.machine, date: results.run.date };
    return { ...r, machine: old?.machine ?? `${committed.machine.cpu} × ${committed.machine.cores}`, date: old?.date ?? committed.run.date };
  });
  results.measurements = measurements.map(({ rates, ...rest }) => rest);
  results.skips = skips;
  const command = `pnpm bench --only ${JSON.stringify(results.run.steps.map((step) => step.name).join(', '))}`;
  // The same steps run again replace the earlier partial run's figures, and so its entry.
  results.partialRuns = [...(committed.partialRuns ?? []).filter((p) => p.command !== command), { ...results.run, command }];
  results.run = committed.run;
  results.machine = committed.machine;
  results.peers = committed.peers;
  results.settings = committed.settings;
}

try {
  if (process.argv.includes('--render')) {
    // Only re-render docs/benchmarks.md from the committed bench/results.json (e.g. after editing bench/benchmark-notes.md).
    const results = JSON.parse(readFileSync(join(here, 'results.json'), 'utf8'));
    writeFileSync(join(repo, 'docs/benchmarks.md'), renderBenchmarks(results, join(here, 'benchmark-notes.md')));
  } else await main();
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
