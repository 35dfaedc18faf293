/**
 * Runner overhead: `ds run -- true` (built CLI, embedded store, in a git project) vs
 * `datalad run true` (in a DataLad dataset) vs a bare `true`, each timed from spawn
 * to exit. Overhead = median − median of bare `true`.
 * `node bench/runner-overhead-run.mjs <cli main.js>` (the CLI must be built: `tsc -b`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineLine, measureSeconds, skipped } from '../packages/core/bench/measurement.js';
import { runCommand, timeCommand, unavailable } from './command-timing.js';

const BENCH = 'runner overhead: ours vs DataLad';
const cli = process.argv[2];
if (!cli) throw new Error('usage: runner-overhead.bench.mjs <packages/cli/dist/main.js>');
const root = mkdtempSync(join(tmpdir(), 'ds-runner-bench-'));
try {
  console.log(machineLine());
  await measureSeconds(BENCH, 'bare `true` (spawn to exit)', async () => timeCommand('true', []), { key: 'runner.true', runs: 9 });

  const project = join(root, 'project');
  runCommand('git', ['init', '-q', project]);
  writeFileSync(join(project, 'train.sh'), 'true\n');
  runCommand('git', ['add', 'train.sh'], { cwd: project });
  runCommand('git', ['commit', '-q', '-m', 'bench'], { cwd: project });
  runCommand(process.execPath, [cli, 'init'], { cwd: project });
  await measureSeconds(BENCH, '`ds run -- true` (embedded store, recorded run)', async () => timeCommand(process.execPath, [cli, 'run', '--', 'true'], { cwd: project }), {
    key: 'runner.ours',
  });

  const missing = unavailable('datalad', ['--version']);
  if (missing) skipped(BENCH, 'runner.datalad', '`datalad run true`', `${missing}${process.env.BENCH_PEER_INSTALL_NOTE ? `; ${process.env.BENCH_PEER_INSTALL_NOTE}` : ''}`);
  else {
    const dataset = join(root, 'dataset');
    runCommand('datalad', ['create', dataset]);
    await measureSeconds(BENCH, '`datalad run true` (recorded run commit)', async () => timeCommand('datalad', ['run', 'true'], { cwd: dataset }), { key: 'runner.datalad' });
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
