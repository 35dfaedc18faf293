/**
 * Dataset capture, ours against the tools users would pick instead, on the same
 * generated trees, each timed from process spawn to exit:
 * - ours: `capture-tree.mjs` (FsDataStore: hash, copy into the store, fsync) in a new process;
 * - `sha256sum` over every file (the hashing limit: read + hash, nothing stored);
 * - `git annex add` in a fresh annex repository holding a copy of the tree;
 * - `datalad save` in a fresh dataset holding a copy of the tree.
 * Re-capture: the same command again on the unchanged tree (ours: a new process on the
 * same store, whose stat cache is on disk; git-annex after committing; DataLad as is).
 * Preparing fresh repositories and copies is outside the timing.
 * Run through `pnpm bench`, or: `node bench/dataset-capture/dataset-capture-run.mjs <bigMiB> <mediumFiles> <smallFiles>`.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineLine, measureSeconds, skipped } from '../../packages/core/bench/measurement.js';
import { runCommand, timeCommand, unavailable } from '../command-timing.js';
import { describeTree, generateTree, type TreeSpec } from './generated-trees.js';

const BENCH = 'dataset capture: ours vs peers';
const [captureScript, bigMiB = '1024', mediumFiles = '10000', smallFiles = '100000'] = process.argv.slice(2);
if (!captureScript) throw new Error('usage: dataset-capture.bench.mjs <capture-tree.mjs> [bigMiB] [mediumFiles] [smallFiles]');

const trees: TreeSpec[] = [
  { id: 'big', files: 1, bytesPerFile: Number(bigMiB) << 20 },
  { id: 'medium', files: Number(mediumFiles), bytesPerFile: 100 * 1024 },
  { id: 'small', files: Number(smallFiles), bytesPerFile: 4 * 1024 },
];

const root = mkdtempSync(join(tmpdir(), 'ds-capture-bench-'));
const annexMissing = unavailable('git', ['annex', 'version']);
const dataladMissing = unavailable('datalad', ['--version']);
const missingReason = (tool: string, why: string) =>
  `${why}${process.env.BENCH_PEER_INSTALL_NOTE ? `; ${process.env.BENCH_PEER_INSTALL_NOTE}` : ''} — ${tool} rows not measured`;

/** An empty git-annex repository and an empty DataLad dataset, copied (untimed) for each first capture. */
function templates(): { annex: string; datalad: string } {
  const annex = join(root, 'template-annex');
  const datalad = join(root, 'template-datalad');
  if (!annexMissing) {
    mkdirSync(annex);
    runCommand('git', ['init', '-q'], { cwd: annex });
    runCommand('git', ['annex', 'init', '-q', 'bench'], { cwd: annex });
  }
  if (!dataladMissing) runCommand('datalad', ['create', datalad]);
  return { annex, datalad };
}

/** A fresh copy of `template` with the tree copied in as `data/`. */
function freshRepository(template: string, tree: string, name: string): string {
  const dir = join(root, name);
  rmSync(dir, { recursive: true, force: true });
  cpSync(template, dir, { recursive: true, verbatimSymlinks: true });
  cpSync(tree, join(dir, 'data'), { recursive: true });
  return dir;
}

async function benchTree(spec: TreeSpec, template: { annex: string; datalad: string }): Promise<void> {
  const what = describeTree(spec);
  const tree = join(root, `tree-${spec.id}`);
  generateTree(tree, spec);
  console.log(`tree: ${what}`);
  const files = (dir: string): string[] =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name));
  const list = join(root, `list-${spec.id}`);
  writeFileSync(list, files(tree).join('\0'));

  let run = 0;
  await measureSeconds(
    BENCH,
    `first capture, ${what}: ours (fs store, new process)`,
    async () => {
      const store = join(root, `store-${spec.id}-${run++}`);
      try {
        return timeCommand(process.execPath, [captureScript!, store, tree]);
      } finally {
        rmSync(store, { recursive: true, force: true });
      }
    },
    { key: `capture.${spec.id}.first.ours` },
  );

  await measureSeconds(
    BENCH,
    `first capture, ${what}: sha256sum (hashing limit, 1 core)`,
    async () => timeCommand('sh', ['-c', 'xargs -0 sha256sum < "$1" > /dev/null', 'sh', list]),
    { key: `capture.${spec.id}.first.sha256sum` },
  );

  if (annexMissing) skipped(BENCH, `capture.${spec.id}.first.git-annex`, `first capture, ${what}: git annex add`, missingReason('git-annex', annexMissing));
  else
    await measureSeconds(
      BENCH,
      `first capture, ${what}: git annex add`,
      async () => {
        const repo = freshRepository(template.annex, tree, `annex-${spec.id}`);
        return timeCommand('git', ['annex', 'add', '--quiet', 'data'], { cwd: repo });
      },
      { key: `capture.${spec.id}.first.git-annex` },
    );

  if (dataladMissing) skipped(BENCH, `capture.${spec.id}.first.datalad`, `first capture, ${what}: datalad save`, missingReason('DataLad', dataladMissing));
  else
    await measureSeconds(
      BENCH,
      `first capture, ${what}: datalad save`,
      async () => {
        const dataset = freshRepository(template.datalad, tree, `datalad-${spec.id}`);
        return timeCommand('datalad', ['save', '-m', 'bench'], { cwd: dataset });
      },
      { key: `capture.${spec.id}.first.datalad` },
    );

  // Re-capture of the unchanged tree: each tool's repository/store from a first capture made here, untimed.
  const store = join(root, `store-${spec.id}-recapture`);
  runCommand(process.execPath, [captureScript!, store, tree]);
  await measureSeconds(
    BENCH,
    `re-capture unchanged, ${what}: ours (fs store, new process)`,
    async () => timeCommand(process.execPath, [captureScript!, store, tree]),
    {
      key: `capture.${spec.id}.again.ours`,
    },
  );
  if (annexMissing)
    skipped(BENCH, `capture.${spec.id}.again.git-annex`, `re-capture unchanged, ${what}: git annex add`, missingReason('git-annex', annexMissing));
  else {
    const repo = freshRepository(template.annex, tree, `annex-${spec.id}`);
    runCommand('git', ['annex', 'add', '--quiet', 'data'], { cwd: repo });
    runCommand('git', ['commit', '-q', '-m', 'bench'], { cwd: repo });
    await measureSeconds(
      BENCH,
      `re-capture unchanged, ${what}: git annex add`,
      async () => timeCommand('git', ['annex', 'add', '--quiet', 'data'], { cwd: repo }),
      {
        key: `capture.${spec.id}.again.git-annex`,
      },
    );
  }
  if (dataladMissing)
    skipped(BENCH, `capture.${spec.id}.again.datalad`, `re-capture unchanged, ${what}: datalad save`, missingReason('DataLad', dataladMissing));
  else {
    const dataset = freshRepository(template.datalad, tree, `datalad-${spec.id}`);
    runCommand('datalad', ['save', '-m', 'bench'], { cwd: dataset });
    await measureSeconds(BENCH, `re-capture unchanged, ${what}: datalad save`, async () => timeCommand('datalad', ['save', '-m', 'bench'], { cwd: dataset }), {
      key: `capture.${spec.id}.again.datalad`,
    });
  }
  for (const entry of readdirSync(root))
    if (entry.endsWith(`-${spec.id}`) || entry.includes(`-${spec.id}-`)) rmSync(join(root, entry), { recursive: true, force: true });
}

try {
  console.log(machineLine());
  const template = templates();
  for (const spec of trees) if (spec.files > 0 && spec.bytesPerFile > 0) await benchTree(spec, template);
} finally {
  rmSync(root, { recursive: true, force: true });
}
