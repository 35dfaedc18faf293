import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RunView } from '@dotscience/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ds, dsJson } from '../fixtures/cli-process.js';
import { runRaw, SDK_ENTRY } from '../run/ds-run-process.js';

const PROTOCOL = fileURLToPath(new URL('../../../../examples/python/dotscience_protocol.py', import.meta.url));

/** A fresh project (not in git) with the protocol library beside its scripts, and its own interpreter cache. */
function pythonProject(): { project: string; env: Record<string, string> } {
  const base = mkdtempSync(join(tmpdir(), 'ds-rerun-'));
  const project = join(base, 'project');
  mkdirSync(project);
  copyFileSync(PROTOCOL, join(project, 'dotscience_protocol.py'));
  const env = { DOTSCIENCE_CACHE_DIR: join(base, 'cache') };
  expect(ds(['init'], { cwd: project, env }).code).toBe(0);
  return { project, env };
}

/** A Python distribution `name` at `version` that importlib.metadata finds on PYTHONPATH `site`. */
function fakeDistribution(site: string, name: string, version: string): string {
  const dir = join(site, `${name}-${version}.dist-info`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'METADATA'), `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n`);
  return dir;
}

/** A script printing one run block whose output file holds `what` (Python source of a string expression). */
const scriptWriting = (what: string): string =>
  [
    'import os',
    'import dotscience_protocol as ds',
    'ds.script()',
    'ds.start()',
    'os.makedirs("out", exist_ok=True)',
    'with open(ds.output("out/result.txt"), "w") as f:',
    `    f.write(${what})`,
    'ds.summary("length", 3)',
    'print("computed")',
    'ds.publish("writes a result")',
    '',
  ].join('\n');

/** The demo's run recorded from the Python program's run block. */
function protocolRunOf(project: string): RunView {
  const runs = dsJson<RunView[]>(['runs'], { cwd: project }).filter(
    (r) => r.workload.recordedBy === 'run-block' && r.workload.cell === undefined && r.rerunOf === undefined,
  ); // not the notebook's
  expect(runs).toHaveLength(1);
  return runs[0]!;
}

function onlyRunBlock(project: string): RunView {
  const all = dsJson<RunView[]>(['runs', '--workloads'], { cwd: project });
  const blocks = all.filter((r) => r.workload.recordedBy === 'run-block');
  expect(blocks).toHaveLength(1);
  return blocks[0]!;
}

describe('ds rerun of the demo', () => {
  let project: string;
  beforeAll(() => {
    project = join(mkdtempSync(join(tmpdir(), 'ds-rerun-demo-')), 'project');
    const demo = ds(['demo', project], { cwd: tmpdir() });
    expect(demo.code, demo.stderr).toBe(0);
    // The demo itself ended with `ds rerun --check` of the depth-3 training.
    expect(demo.stdout).toMatch(/reproduced: all \d+ items identical/);
  }, 300_000);

  it('reruns the depth-2 training with --check: the model digest and every metric are identical, the rerun is linked to it', () => {
    const [original] = dsJson<RunView[]>(['runs', '--filter', 'params.depth = 2'], { cwd: project });
    const result = ds(['rerun', original!.runId, '--check', '--in', join(project, '..', 'rerun-depth-2')], { cwd: project });
    expect(result.code, result.stderr + result.stdout).toBe(0);
    expect(result.stdout).toMatch(/identical {2}model iris-tree {2}sha256:[0-9a-f]{64}/);
    expect(result.stdout).toMatch(/identical {2}metric accuracy/);
    expect(result.stdout).not.toMatch(/different/);
    const reruns = dsJson<RunView[]>(['runs', '--filter', 'params.depth = 2'], { cwd: project }).filter((r) => r.rerunOf === original!.runId);
    expect(reruns).toHaveLength(1);
    expect(reruns[0]!.models[0]!.version?.digest).toBe(original!.models[0]!.version?.digest);
  }, 120_000);

  it('reproduce prints the full command line of the depth-2 training, arguments included', () => {
    const [original] = dsJson<RunView[]>(['runs', '--filter', 'params.depth = 2', '--sort', 'started_at'], { cwd: project });
    const target = join(project, '..', 'reproduced-depth-2');
    const result = ds(['reproduce', original!.runId, target], { cwd: project });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/&& node code\/examples\/dist\/train-tree\.js --depth 2\n/);
    expect(result.stdout).toMatch(/input {3}data\/iris\/train\.csv/);
    expect(readFileSync(join(target, 'code', 'examples', 'dist', 'train-tree.js'), 'utf8')).toMatch(/DecisionTreeClassifier/);
  }, 60_000);

  it('reruns the Python protocol run with --check: its output digest is identical', () => {
    const original = protocolRunOf(project);
    const result = ds(['rerun', original.runId, '--check', '--in', join(project, '..', 'rerun-python')], { cwd: project });
    expect(result.code, result.stderr + result.stdout).toBe(0);
    expect(result.stdout).toMatch(/identical {2}output reports\/feature-stats\.json {2}sha256:[0-9a-f]{64}/);
  }, 120_000);

  it('ds logs prints what the program printed', () => {
    const original = protocolRunOf(project);
    const result = ds(['logs', original.runId], { cwd: project });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/setosa\s+\d+ rows/);
    expect(result.stdout).toContain(`[[DOTSCIENCE-RUN:${original.runId}]]`);
  }, 60_000);
});

describe('ds rerun and ds reproduce of Python runs', () => {
  it('fails --check when the script reads a variable that is not allowed and it changed, naming the differing output', () => {
    const { project, env } = pythonProject();
    writeFileSync(join(project, 'seeded.py'), scriptWriting('os.environ.get("UNLISTED_SEED", "none")'));
    expect(ds(['run', '--', 'python3', 'seeded.py'], { cwd: project, env: { ...env, UNLISTED_SEED: 'first' } }).code).toBe(0);
    const original = onlyRunBlock(project);
    expect(original.environment.variables).not.toHaveProperty('UNLISTED_SEED');

    const result = ds(['rerun', original.runId, '--check', '--in', join(project, '..', 'rerun')], { cwd: project, env: { ...env, UNLISTED_SEED: 'second' } });

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/different {2}output out\/result\.txt {2}sha256:[0-9a-f]{64} then, sha256:[0-9a-f]{64} now/);
    expect(result.stdout).toMatch(/identical {2}summary length {2}3/);
    expect(result.stdout).toMatch(/NOT reproduced: 1 of \d+ items differ/);
  }, 120_000);

  it('restores an allow-listed variable for the rerun, so the same script reproduces', () => {
    const { project, env } = pythonProject();
    writeFileSync(join(project, 'seeded.py'), scriptWriting('os.environ.get("MY_SEED", "none")'));
    expect(ds(['run', '--', 'python3', 'seeded.py'], { cwd: project, env: { ...env, DOTSCIENCE_ENV_ALLOW: 'MY_*', MY_SEED: 'first' } }).code).toBe(0);
    const original = onlyRunBlock(project);
    expect(original.environment.variables).toMatchObject({ MY_SEED: 'first' });

    const result = ds(['rerun', original.runId, '--check', '--in', join(project, '..', 'rerun')], { cwd: project, env: { ...env, MY_SEED: 'second' } });

    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toMatch(/environment: MY_SEED second here, MY_SEED=first then/);
  }, 120_000);

  it('reproduces a script that is not in git from the copy kept with the run, after the original changed', () => {
    const { project, env } = pythonProject();
    writeFileSync(join(project, 'loose.py'), scriptWriting('"original"'));
    expect(ds(['run', '--', 'python3', 'loose.py'], { cwd: project, env }).code).toBe(0);
    const original = onlyRunBlock(project);
    expect(original.codeVersion.gitCommit).toBeUndefined();
    expect(original.codeVersion.snapshot).toMatchObject({ script: 'loose.py', files: { kind: 'directory' } });
    writeFileSync(join(project, 'loose.py'), scriptWriting('"edited since"'));
    rmSync(join(project, 'dotscience_protocol.py'));

    const target = join(project, '..', 'reproduced');
    const reproduced = ds(['reproduce', original.runId, target], { cwd: project, env });
    expect(reproduced.code, reproduced.stderr).toBe(0);
    expect(readFileSync(join(target, 'loose.py'), 'utf8')).toContain('f.write("original")');
    expect(readFileSync(join(target, 'dotscience_protocol.py'), 'utf8')).toContain('DOTSCIENCE-RUN');
    expect(reproduced.stdout).toMatch(/&& python3 loose\.py\n/);

    const rerun = ds(['rerun', original.runId, '--check'], { cwd: project, env });
    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
    expect(rerun.stdout).toMatch(/identical {2}output out\/result\.txt/);
  }, 120_000);

  it('ds run -- python3 records Python and its installed packages, and ds reproduce reports a package whose version changed', () => {
    const { project, env } = pythonProject();
    const site = join(project, '..', 'site');
    const installed = fakeDistribution(site, 'dotscience-fake-dependency', '1.0.2');
    writeFileSync(join(project, 'requirements.txt'), 'dotscience-fake-dependency==1.0.2\n');
    writeFileSync(join(project, 'uses.py'), scriptWriting('"x"'));
    const pythonEnv = { ...env, PYTHONPATH: site };
    expect(ds(['run', '--', 'python3', 'uses.py'], { cwd: project, env: pythonEnv }).code).toBe(0);
    const original = onlyRunBlock(project);
    expect(original.environment.runtime).toMatch(/^python 3\.\d+\.\d+$/);
    expect(original.environment.interpreter).toMatchObject({ language: 'python', version: expect.stringMatching(/^3\./) });
    expect(original.environment.packages).toMatchObject({ 'dotscience-fake-dependency': '1.0.2' });
    expect(original.environment.runtime).not.toMatch(/node/);
    expect(original.environment.manifests?.map((m) => m.path)).toEqual([join(project, 'requirements.txt')]);
    const [workload] = dsJson<RunView[]>(['runs', '--workloads', '--filter', `run_id = '${original.workload.workloadId}'`], { cwd: project });
    expect(workload!.environment.packages).toMatchObject({ 'dotscience-fake-dependency': '1.0.2' });

    rmSync(installed, { recursive: true });
    fakeDistribution(site, 'dotscience-fake-dependency', '2.0.1');
    const target = join(project, '..', 'reproduced');
    const reproduced = ds(['reproduce', original.runId, target], { cwd: project, env: pythonEnv });

    expect(reproduced.code, reproduced.stderr).toBe(0);
    expect(reproduced.stdout).toMatch(
      /packages: requirements\.txt restored; installed package versions differ from the run's: dotscience-fake-dependency 2\.0\.1 here, 1\.0\.2 then/,
    );
    expect(readFileSync(join(target, 'requirements.txt'), 'utf8')).toBe('dotscience-fake-dependency==1.0.2\n');
  }, 120_000);
});

describe('ds rerun of an SDK run recorded outside ds run', () => {
  it('records the full command line, re-runs it with its arguments and checks its output', () => {
    const { project, env } = pythonProject();
    const sdk = JSON.stringify(pathToFileURL(SDK_ENTRY).href);
    writeFileSync(
      join(project, 'train.mjs'),
      [
        `import * as ds from ${sdk};`,
        "import { writeFileSync } from 'node:fs';",
        'ds.script();',
        'ds.start();',
        "const depth = ds.parameter('depth', Number(process.argv[process.argv.indexOf('--depth') + 1]));",
        "writeFileSync(ds.output('model.txt'), `depth ${depth}`);",
        "ds.summary('depth_seen', depth);",
        "await ds.publish('trained');",
        '',
      ].join('\n'),
    );
    const recorded = runRaw(process.execPath, ['train.mjs', '--depth', '4'], project, env);
    expect(recorded.code, recorded.stderr).toBe(0);
    const [original] = dsJson<RunView[]>(['runs'], { cwd: project });
    expect(original!.workload.command).toEqual([process.execPath, join(project, 'train.mjs'), '--depth', '4']);
    expect(original!.workload.recordedBy).toBe('sdk');

    const rerun = ds(['rerun', original!.runId, '--check', '--in', join(project, '..', 'rerun')], { cwd: project, env });

    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
    expect(rerun.stdout).toMatch(/identical {2}output model\.txt {2}sha256:[0-9a-f]{64}/);
    expect(rerun.stdout).toMatch(/identical {2}summary depth_seen {2}4/);
    const again = dsJson<RunView[]>(['runs'], { cwd: project }).find((r) => r.rerunOf === original!.runId);
    expect(again).toMatchObject({ parameters: { depth: 4 }, workload: { recordedBy: 'sdk' } });
  }, 120_000);
});
