/**
 * Environment capture (issue 25): what recording a run's environment costs per `ds run` —
 * the workload's Python asked for its version and packages (first time, then from the cache
 * keyed by interpreter path+mtime and import path), machine, allow-listed variables, the
 * dependency manifests stored as data objects — and the copy of a script not in git.
 * In-process, through the composition root's Environment and CodeInspector, on a project
 * (not in git) with a requirements.txt, a pyproject.toml and a script with one module beside it.
 * `node bench/run-bundled.mjs environment-capture`. Target: ≤ 50 ms added after the first.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeEnvironment, openDotscience, PatchRecordingCodeInspector } from '../packages/sdk/src/index.js';
import { GitCodeInspector } from '../packages/adapters-fs/src/index.js';
import { machineLine, skipped, summarise } from '../packages/core/bench/measurement.js';
import { unavailable } from './command-timing.js';

const BENCH = 'environment capture per ds run';
const root = mkdtempSync(join(tmpdir(), 'ds-env-bench-'));
const ms = async (fn: () => Promise<unknown>): Promise<number> => {
  const start = performance.now();
  await fn();
  return performance.now() - start;
};

try {
  console.log(machineLine());
  const project = join(root, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'requirements.txt'), 'numpy==1.26.4\nscikit-learn>=1.4\n');
  writeFileSync(join(project, 'pyproject.toml'), '[project]\nname = "bench"\nversion = "0.1.0"\n');
  writeFileSync(join(project, 'train.py'), 'import helpers\nprint(helpers.answer())\n');
  writeFileSync(join(project, 'helpers.py'), 'def answer():\n    return 42\n');
  const workload = { command: ['python3', 'train.py'], script: 'train.py' };
  const ds = await openDotscience({ cwd: project, createStore: true });
  try {
    const missing = unavailable('python3', ['--version']);
    if (missing) skipped(BENCH, 'environment.python.first', 'describe a python3 workload, first time', missing);
    else {
      const first: number[] = [];
      for (let i = 0; i < 3; i++) {
        const env = { ...process.env, DOTSCIENCE_CACHE_DIR: join(root, `cache-${i}`) };
        first.push(await ms(() => new NodeEnvironment({ env }).describe(project, workload)));
      }
      summarise(BENCH, 'python3 workload described, first time (asks python)', 'ms', first, 1, 'environment.python.first');
    }
    await ds.environment.describe(project, workload);
    const cached: number[] = [];
    const before: number[] = [];
    for (let i = 0; i < 15; i++) {
      cached.push(await ms(() => ds.environment.describe(project, workload)));
      // What a run's environment cost before issue 25: ds's own Node and the project's requirements.
      before.push(await ms(() => new NodeEnvironment({ env: {} }).describe(project)));
    }
    summarise(BENCH, 'environment described after the first (cache, machine, 2 manifests stored)', 'ms', cached, 1, 'environment.cached');
    summarise(BENCH, 'environment described as before issue 25 (node, requirements)', 'ms', before, 1, 'environment.before');

    const plain = new PatchRecordingCodeInspector(new GitCodeInspector(), ds.data);
    const withSnapshot: number[] = [];
    const without: number[] = [];
    for (let i = 0; i < 15; i++) {
      withSnapshot.push(await ms(() => ds.code.inspect(project, 'train.py')));
      without.push(await ms(() => plain.inspect(project, 'train.py')));
    }
    summarise(BENCH, 'code inspected with the script kept (not in git, 2 files)', 'ms', withSnapshot, 1, 'environment.code.snapshot');
    summarise(BENCH, 'code inspected without keeping it', 'ms', without, 1, 'environment.code.plain');
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
    const added = median(cached) - median(before) + (median(withSnapshot) - median(without));
    summarise(BENCH, 'added per ds run after the first, from the medians above (target ≤ 50 ms)', 'ms', [added], 1, 'environment.added');
  } finally {
    await ds.close();
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
