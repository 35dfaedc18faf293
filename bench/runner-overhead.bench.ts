/**
 * Runner overhead: `ds run -- true` (built CLI, embedded store, in a git project) vs
 * `datalad run true` (in a DataLad dataset) vs a bare `true`, each timed from spawn
 * to exit. Overhead = median − median of bare `true`. Then the same project with 2 GB
 * of untracked data beside the code (issue 19): timed in turns with a copy without it.
 * `node bench/runner-overhead-run.mjs <cli main.js>` (the CLI must be built: `tsc -b`).
 */
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineLine, measureSeconds, skipped, summarise } from '../packages/core/bench/measurement.js';
import { runCommand, timeCommand, unavailable } from './command-timing.js';

const BENCH = 'runner overhead: ours vs DataLad';
const cli: string = process.argv[2] ?? '';
if (!cli) throw new Error('usage: runner-overhead.bench.mjs <packages/cli/dist/main.js>');
const root = mkdtempSync(join(tmpdir(), 'ds-runner-bench-'));
try {
  console.log(machineLine());
  await measureSeconds(BENCH, 'bare `true` (spawn to exit)', async () => timeCommand('true', []), { key: 'runner.true', runs: 9 });

  const project = gitProject(join(root, 'project'));
  await measureSeconds(
    BENCH,
    '`ds run -- true` (embedded store, recorded run)',
    async () => timeCommand(process.execPath, [cli, 'run', '--', 'true'], { cwd: project }),
    {
      key: 'runner.ours',
    },
  );

  const missing = unavailable('datalad', ['--version']);
  if (missing)
    skipped(
      BENCH,
      'runner.datalad',
      '`datalad run true`',
      `${missing}${process.env.BENCH_PEER_INSTALL_NOTE ? `; ${process.env.BENCH_PEER_INSTALL_NOTE}` : ''}`,
    );
  else {
    const dataset = join(root, 'dataset');
    runCommand('datalad', ['create', dataset]);
    await measureSeconds(BENCH, '`datalad run true` (recorded run commit)', async () => timeCommand('datalad', ['run', 'true'], { cwd: dataset }), {
      key: 'runner.datalad',
    });
  }

  await measureUntrackedData(gitProject(join(root, 'without-data')), withUntrackedData(gitProject(join(root, 'with-data'))));
} finally {
  rmSync(root, { recursive: true, force: true });
}

/** A git repository with one committed file and `ds init` done. */
function gitProject(project: string): string {
  runCommand('git', ['init', '-q', project]);
  writeFileSync(join(project, 'train.sh'), 'true\n');
  runCommand('git', ['add', 'train.sh'], { cwd: project });
  runCommand('git', ['commit', '-q', '-m', 'bench'], { cwd: project });
  runCommand(process.execPath, [cli, 'init'], { cwd: project });
  return project;
}

/**
 * 2 GB of untracked, not ignored data: one 1 GB file and 100 files of 10 MB (under the
 * old 10 MiB per-file limit, so each went through `git diff --binary`). Sparse files:
 * no disk used, yet whoever reads them reads every byte.
 */
function withUntrackedData(project: string): string {
  mkdirSync(join(project, 'data/parts'), { recursive: true });
  const sparse = (path: string, bytes: number) => {
    writeFileSync(path, '');
    truncateSync(path, bytes);
  };
  sparse(join(project, 'data/all.bin'), 1_000_000_000);
  for (let i = 0; i < 100; i++) sparse(join(project, `data/parts/part-${String(i).padStart(3, '0')}.bin`), 10_000_000);
  return project;
}

/** `ds run -- true` with and without the data, in turns (so that the machine's load drifts over both alike). */
async function measureUntrackedData(without: string, withData: string): Promise<void> {
  const time = (cwd: string) => timeCommand(process.execPath, [cli, 'run', '--', 'true'], { cwd }) / 1000;
  time(without);
  time(withData);
  const [bare, loaded]: [number[], number[]] = [[], []];
  for (let i = 0; i < 7; i++) {
    bare.push(time(without));
    loaded.push(time(withData));
  }
  summarise(BENCH, '`ds run -- true`, git project without the data (in turns)', 's', bare, 1, 'runner.ours.without-data');
  summarise(BENCH, '`ds run -- true`, same project + 2 GB untracked data (sparse files)', 's', loaded, 1, 'runner.ours.untracked-2gb');
}
