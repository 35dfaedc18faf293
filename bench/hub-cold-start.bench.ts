/**
 * The hub's first page of the runs table from cold (issue 22): a hub process
 * (`ds serve`, spawned) that starts over a project of `runs` recorded runs (default 100,000; each a
 * full run of ~30 events, packages/core/bench/run-history.ts) whose read model
 * file an earlier start built,  measured from its spawn to the first page of 50
 * runs answered over HTTP on 127.0.0.1 (what the web UI's runs table asks first).
 * Beside it, the same page from a hub already up (the floor of HTTP + query).
 * `node bench/run-bundled.mjs hub-cold-start <cli bundle/ds.cjs> [runs]`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenRegistry } from '../packages/adapters-http/src/index.js';
import { machineLine, measureSeconds } from '../packages/core/bench/measurement.js';
import { seedRecordedRuns } from './recorded-runs-store.js';

const BENCH = 'hub read model';
const cliArgument = process.argv[2];
if (!cliArgument) throw new Error('usage: hub-cold-start.bench.mjs <packages/cli/bundle/ds.cjs> [runs]');
const cli: string = cliArgument;
const runs = Number(process.argv[3] ?? 100_000);
const EVENTS_PER_RUN = 30;
const PROJECT = 'bench';
const label = runs.toLocaleString('en-US');

/** A `ds serve` process over the hub directory, once it says where it listens; `stop` ends it (by its pid). */
async function startHub(hubDir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [cli, 'serve', '--store', hubDir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const found = /hub listening on (\S+)/.exec(out);
      if (found) resolve(found[1]!);
    });
    child.once('exit', (code) => reject(new Error(`ds serve exited ${code}: ${stderr.slice(-500)}`)));
  });
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const hubDir = mkdtempSync(join(tmpdir(), 'ds-hub-cold-bench-'));
try {
  console.log(machineLine());
  const events = await seedRecordedRuns(join(hubDir, 'events', PROJECT), runs, EVENTS_PER_RUN);
  console.log(`hub project: ${events.toLocaleString('en-US')} events`);
  const { token } = await TokenRegistry.inDirectory(hubDir).create(PROJECT, 'read', 'bench');

  const firstPage = async (url: string): Promise<void> => {
    const answer = await fetch(`${url}/v1/projects/${PROJECT}/runs?limit=50`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await answer.json()) as { runs: unknown[]; total: number };
    if (answer.status !== 200 || body.runs.length !== 50) throw new Error(`the first page answered ${answer.status}: ${JSON.stringify(body).slice(0, 300)}`);
  };

  // The first start builds the read model file from the log (that is the build, not measured here).
  const building = await startHub(hubDir);
  await firstPage(building.url);
  await building.stop();

  await measureSeconds(
    BENCH,
    `\`ds serve\` spawn to the first page of the runs table (50 runs) answered, ${label} runs, read model built earlier`,
    async () => {
      const start = performance.now();
      const hub = await startHub(hubDir);
      try {
        await firstPage(hub.url);
        return performance.now() - start;
      } finally {
        await hub.stop();
      }
    },
    { key: `hub.cold-first-page.${runs}` },
  );

  const warm = await startHub(hubDir);
  try {
    await firstPage(warm.url);
    await measureSeconds(
      BENCH,
      `first page of the runs table (50 runs) from a hub already up, ${label} runs`,
      async () => {
        const start = performance.now();
        await firstPage(warm.url);
        return performance.now() - start;
      },
      { key: `hub.warm-first-page.${runs}` },
    );
  } finally {
    await warm.stop();
  }
} finally {
  rmSync(hubDir, { recursive: true, force: true });
}
