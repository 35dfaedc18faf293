// Web UI benchmark in headless Chromium (run after `pnpm exec tsc -b`):
//   node packages/web/bench/web-ui-bench.mjs [--runs 100000] [--points 1000000] [--repeat 5]
// 1. `--runs` generated runs in a hub's store → the runs page shows its first page (time from
//    navigation to the first row drawn). The hub's read model is prepared first, as `ds ui` does
//    before printing its URL (that time is reported on its own).
// 2. one run with a `--points`-point metric → its run page draws the chart (time from navigation to
//    the series drawn on the canvas), cold (the hub reads the series from the log) and warm.
// Targets (issue 8): first page ≤ 1 s, 1M-point chart ≤ 1 s. Prints one line per measurement and a JSON summary.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FsDataStore, FsEventStore } from '@dotscience/adapters-fs';
import { HubServer, ProjectDirectories, TokenRegistry } from '@dotscience/adapters-http';
import { chromium } from 'playwright-core';
import { build } from 'vite';

const { values: args } = parseArgs({
  options: { runs: { type: 'string', default: '100000' }, points: { type: 'string', default: '1000000' }, repeat: { type: 'string', default: '5' } },
});
const RUNS = Number(args.runs);
const POINTS = Number(args.points);
const REPEAT = Number(args.repeat);
const PROJECT = 'bench';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const web = fileURLToPath(new URL('..', import.meta.url));
if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);

const event = (type, data) => ({ id: randomUUID(), type, schemaVersion: 1, data, meta: {} });
const at = (i) => new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();

/** A published run as a script records it: start, two parameters, a metric, a summary, a label, publish. */
function generatedRun(i) {
  const runId = randomUUID();
  return {
    runId,
    events: [
      event('RunStarted', {
        runId,
        projectId: PROJECT,
        mode: 'script',
        workload: { script: 'train.py' },
        codeVersion: { gitCommit: 'a'.repeat(40) },
        environment: { runtime: 'python 3.12', os: 'linux', host: 'bench', user: 'bench' },
        startedAt: at(i),
      }),
      event('ParameterRecorded', { name: 'depth', value: i % 12 }),
      event('ParameterRecorded', { name: 'model', value: i % 3 === 0 ? 'tree' : 'forest' }),
      event('MetricRecorded', { name: 'rmse', value: ((i * 7919) % 1000) / 1000, at: at(i) }),
      event('SummaryRecorded', { name: 'rows', value: 1000 + i }),
      event('LabelAdded', { name: 'team', value: `t${i % 5}` }),
    ],
  };
}

/** The 1M-point run: `loss` in batches of 100k points (the SDK's largest MetricsRecorded batch). */
function bigMetricRun() {
  const runId = randomUUID();
  const events = [
    event('RunStarted', {
      runId,
      projectId: PROJECT,
      mode: 'script',
      workload: { script: 'long.py' },
      codeVersion: {},
      environment: { runtime: 'python 3.12', os: 'linux', host: 'bench', user: 'bench' },
      startedAt: at(RUNS + 1),
    }),
  ];
  for (let start = 0; start < POINTS; start += 100_000) {
    const n = Math.min(100_000, POINTS - start);
    const values = Array.from(
      { length: n },
      (_, k) => Math.exp(-(start + k) / POINTS) + 0.05 * Math.sin((start + k) / 300) + ((start + k) % 99_991 === 0 ? 2 : 0),
    );
    const steps = Array.from({ length: n }, (_, k) => start + k);
    events.push(event('MetricsRecorded', { series: [{ name: 'loss', values, steps, at: { start: at(RUNS + 2), deltasMs: values.map(() => 0) } }] }));
  }
  return { runId, events };
}

async function generateStore(root) {
  const store = await FsEventStore.open(join(root, 'events', PROJECT));
  const started = performance.now();
  for (let i = 0; i < RUNS; i += 2000) {
    const batch = Array.from({ length: Math.min(2000, RUNS - i) }, (_, k) => generatedRun(i + k));
    await Promise.all(batch.map((run) => store.append(`run-${run.runId}`, run.events, { expectedRevision: 'no_stream' })));
  }
  const big = bigMetricRun();
  for (const e of big.events) await store.append(`run-${big.runId}`, [e]);
  await store.close();
  console.log(`generated ${RUNS} runs (${RUNS * 6} events) and a ${POINTS}-point run in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return big.runId;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const root = mkdtempSync(join(tmpdir(), 'ds-web-bench-'));
  const webApp = join(root, 'web');
  await build({ configFile: join(web, 'vite.config.ts'), logLevel: 'warn', build: { outDir: webApp, emptyOutDir: true } });
  const bigRunId = await generateStore(root);
  const tokens = TokenRegistry.inDirectory(root);
  const { token } = await tokens.create(PROJECT, 'read');
  const hub = new HubServer({
    tokens,
    webApp,
    projects: new ProjectDirectories({
      eventsRoot: join(root, 'events'),
      dataRoot: join(root, 'data'),
      openEvents: (dir) => FsEventStore.open(dir, { readOnly: true }),
      openData: (dir) => new FsDataStore({ directory: dir, workers: 1 }),
    }),
  });
  const url = await hub.listen(0);
  const prepareStarted = performance.now();
  await hub.prepare(PROJECT);
  const prepareMs = Math.round(performance.now() - prepareStarted);
  console.log(`hub read model prepared (ds ui does this before printing its URL): ${prepareMs} ms`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const results = {};
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const timed = async (name, navigate, ready) => {
      const t0 = performance.now();
      await navigate();
      await ready();
      const ms = performance.now() - t0;
      (results[name] ??= []).push(Math.round(ms));
      console.log(`${name}: ${ms.toFixed(0)} ms`);
    };
    const firstRow = () => page.waitForFunction(() => document.querySelectorAll('.run-row a').length > 0, undefined, { timeout: 120_000 });
    // A line drawn: pixels of the series colour on the chart's canvas.
    const chartDrawn = () =>
      page.waitForFunction(
        () => {
          const c = document.querySelector('.chart[data-metric="loss"] canvas');
          if (!c) return false;
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 128 && Math.abs(d[i] - 0x1c) + Math.abs(d[i + 1] - 0x5f) + Math.abs(d[i + 2] - 0xd1) < 60) n++;
          return n > 200;
        },
        undefined,
        { timeout: 120_000, polling: 'raf' },
      );
    await page.goto(`${url}/ui/#token=${encodeURIComponent(token)}`);
    await page.waitForSelector('nav');
    await page.evaluate(() => sessionStorage.clear());
    const runsPage = () => page.goto(`${url}/ui/?r=${Math.random()}#/runs`);
    await timed('runs page, first page (first load of the page)', runsPage, firstRow);
    for (let i = 0; i < REPEAT; i++) await timed('runs page, first page (warm)', runsPage, firstRow);
    const sorted = async () => {
      await page.fill('input.filter', "params.model = 'tree' order by metrics.rmse desc");
      await page.press('input.filter', 'Enter');
    };
    for (let i = 0; i < REPEAT; i++) {
      await page.goto(`${url}/ui/?r=${Math.random()}#/runs`);
      await firstRow();
      const expected = `${Math.ceil(RUNS / 3)} runs`;
      await timed('runs page, filtered + sorted first page (warm)', sorted, () =>
        page.waitForFunction((text) => document.querySelector('.count')?.textContent === text && document.querySelector('.run-row a') !== null, expected),
      );
    }
    const runPage = () => page.goto(`${url}/ui/?r=${Math.random()}#/runs/${bigRunId}`);
    await timed(`${POINTS}-point chart (cold: hub reads the series from the log)`, runPage, chartDrawn);
    for (let i = 0; i < REPEAT; i++) await timed(`${POINTS}-point chart (warm)`, runPage, chartDrawn);
    await page.screenshot({ path: join(web, '..', '..', 'test-output', 'screenshots', 'bench-1m-point-chart.png') }).catch(() => undefined);
  } finally {
    await browser.close();
    await hub.close();
    rmSync(root, { recursive: true, force: true });
  }
  const summary = Object.fromEntries(Object.entries(results).map(([name, ms]) => [name, { medianMs: median(ms), samples: ms }]));
  console.log(JSON.stringify({ runs: RUNS, points: POINTS, chromium: CHROMIUM, hubPrepareMs: prepareMs, summary }, null, 2));
}

await main();
