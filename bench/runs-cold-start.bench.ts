/**
 * `ds runs` cold start: process spawn to exit of the built CLI listing a project
 * whose embedded store holds `runs` recorded runs (default 1,000), each a full run
 * (start, parameters, an input, an output, a model, a label, metrics, summary,
 * publish) decided by the real run rules (packages/core/bench/run-history.ts).
 * `node bench/runs-cold-start-run.mjs <cli main.js> [runs]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineLine, measureSeconds } from '../packages/core/bench/measurement.js';
import { runCommand, timeCommand } from './command-timing.js';
import { seedRecordedRuns } from './recorded-runs-store.js';

const BENCH = 'ds runs: cold start';
const cli = process.argv[2];
if (!cli) throw new Error('usage: runs-cold-start.bench.mjs <packages/cli/dist/main.js> [runs]');
const runs = Number(process.argv[3] ?? 1000);
const EVENTS_PER_RUN = 30;

const project = mkdtempSync(join(tmpdir(), 'ds-runs-bench-'));
try {
  console.log(machineLine());
  const init = JSON.parse(runCommand(process.execPath, [cli, 'init', '--json'], { cwd: project })) as { store: string };
  const seeded = await seedRecordedRuns(join(init.store, 'events'), runs, EVENTS_PER_RUN);
  const listed = (JSON.parse(runCommand(process.execPath, [cli, 'runs', '--json'], { cwd: project })) as unknown[]).length;
  if (listed < runs) throw new Error(`ds runs listed ${listed} runs, expected ${runs}`);
  console.log(`store: ${seeded.toLocaleString('en-US')} events, ${listed} runs listed`);
  await measureSeconds(
    BENCH,
    `\`ds runs\` on ${listed.toLocaleString('en-US')} runs (spawn to exit; projection checkpoint from the warm-up)`,
    async () => timeCommand(process.execPath, [cli, 'runs'], { cwd: project }),
    {
      key: 'runs.cold-start',
    },
  );
  await measureSeconds(BENCH, `\`ds runs --json\` on ${listed.toLocaleString('en-US')} runs (spawn to exit)`, async () =>
    timeCommand(process.execPath, [cli, 'runs', '--json'], { cwd: project }),
  );
  await measureSeconds(BENCH, '`node -e 0` (Node start alone, the floor)', async () => timeCommand(process.execPath, ['-e', '0']), { key: 'runs.node-floor' });
} finally {
  rmSync(project, { recursive: true, force: true });
}
