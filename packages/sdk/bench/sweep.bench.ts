/**
 * A hyperparameter sweep recorded from one process (issue 22): `runs` runs (default 10,000),
 * each with two parameters, 5 metric points, a summary, a label and a durable publish, no
 * data capture, in a git project whose script is committed. Per run: the median of blocks of
 * runs (a block is 1/10 of them), beside the machine's limit measured in the same run — one
 * small write + fdatasync per publish (what "each publish durable" costs at the least).
 * Run: `node packages/sdk/bench/sweep-run.mjs [runs]`.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineLine, summarise } from '../../core/bench/measurement.js';
import * as ds from '../src/index.js';

const BENCH = 'sdk: sweep of runs in one process';
const runs = Number(process.argv[2] ?? 10_000);
const BLOCKS = 10;

function git(cwd: string, ...args: string[]): void {
  const result = spawnSync('git', args, {
    cwd,
    env: { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@localhost', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@localhost' },
  });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
}

/** ms per run of each block of the sweep. */
async function sweep(project: string): Promise<number[]> {
  const client = new ds.DotscienceClient({ cwd: project, env: {}, hashWorkers: 1, exitHandling: false, scriptPath: join(project, 'train.js') });
  const perBlock: number[] = [];
  const blockSize = Math.max(1, Math.floor(runs / BLOCKS));
  try {
    let begin = performance.now();
    for (let i = 0; i < runs; i++) {
      client.start();
      client.parameter('lr', 0.001 * (1 + (i % 10)));
      client.parameter('depth', 1 + (i % 7));
      for (let step = 0; step < 5; step++) client.metric('loss', 1 / (step + 1 + i), step);
      client.summary('accuracy', 0.5 + (i % 50) / 100);
      client.label('sweep', 'bench');
      await client.publish();
      if ((i + 1) % blockSize === 0) {
        const now = performance.now();
        perBlock.push((now - begin) / blockSize);
        begin = now;
      }
    }
  } finally {
    await client.close();
  }
  return perBlock;
}

/**
 * ms per small write + fdatasync on the same file system, in a directory of its own (a file in the
 * project would be untracked code to every run's inspection): the least a durable publish costs.
 */
function writeAndSync(dir: string, times: number): number[] {
  const fd = openSync(join(dir, 'limit.bin'), 'a');
  const record = Buffer.alloc(2048, 7);
  const samples: number[] = [];
  try {
    for (let block = 0; block < BLOCKS; block++) {
      const begin = performance.now();
      for (let i = 0; i < times; i++) {
        writeSync(fd, record);
        fdatasyncSync(fd);
      }
      samples.push((performance.now() - begin) / times);
    }
  } finally {
    closeSync(fd);
  }
  return samples;
}

console.log(machineLine());
const project = mkdtempSync(join(tmpdir(), 'ds-bench-sweep-'));
const limitDir = mkdtempSync(join(tmpdir(), 'ds-bench-sweep-limit-'));
try {
  git(project, 'init', '-q');
  writeFileSync(join(project, 'train.js'), '// the sweep\n');
  git(project, 'add', 'train.js');
  git(project, 'commit', '-q', '-m', 'sweep');
  const limit = writeAndSync(limitDir, Math.max(20, Math.floor(runs / BLOCKS / 10)));
  const perRun = await sweep(project);
  summarise(
    BENCH,
    `${runs.toLocaleString('en-US')} runs (2 parameters, 5 metric points, summary, label, durable publish): per run`,
    'ms',
    perRun,
    runs,
    'sweep.per-run',
  );
  summarise(BENCH, 'limit: one 2 kB write + fdatasync (the least a durable publish costs)', 'ms', limit, BLOCKS, 'sweep.fdatasync');
} finally {
  rmSync(project, { recursive: true, force: true });
  rmSync(limitDir, { recursive: true, force: true });
}
