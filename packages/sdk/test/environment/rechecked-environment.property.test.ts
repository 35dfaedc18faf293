import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Environment, EnvironmentInfo, WorkloadProgram } from '@dotscience/core';
import { openDotscience, type Dotscience } from '../../src/index.js';
import { environmentWitnesses } from '../../src/environment/environment-witnesses.js';
import { RecheckedEnvironment } from '../../src/environment/rechecked-environment.js';

/** The real environment (manifests stored in the project's data store), its descriptions counted. */
class Counted implements Environment {
  described = 0;
  constructor(private readonly inner: Environment) {}
  describe(cwd: string, workload?: WorkloadProgram): Promise<EnvironmentInfo> {
    this.described++;
    return this.inner.describe(cwd, workload);
  }
  describeProcess(): EnvironmentInfo {
    return this.inner.describeProcess();
  }
}

/** A change between two runs of a sweep, to the files the description reads or to this process's variables. */
type Change =
  | { kind: 'package.json'; range: string | null }
  | { kind: 'installed'; version: string | null }
  | { kind: 'requirements'; where: 'project' | 'parent'; pin: string | null }
  | { kind: 'variable'; value: string | null }
  | { kind: 'unrelated file' }
  | { kind: 'nothing' };

const version = fc.constantFrom('1.0.0', '1.2.0', '2.0.1');
const change: fc.Arbitrary<Change> = fc.oneof(
  fc.record({ kind: fc.constant('package.json' as const), range: fc.option(fc.constantFrom('^1.0.0', '~2.0.0', '*')) }),
  fc.record({ kind: fc.constant('installed' as const), version: fc.option(version) }),
  fc.record({ kind: fc.constant('requirements' as const), where: fc.constantFrom('project' as const, 'parent' as const), pin: fc.option(version) }),
  fc.record({ kind: fc.constant('variable' as const), value: fc.option(fc.constantFrom('1', '4', '8')) }),
  fc.constant({ kind: 'unrelated file' as const }),
  fc.constant({ kind: 'nothing' as const }),
);

describe('the environment of a sweep: described once, re-described when what it reads changed', () => {
  let root: string;
  let ds: Dotscience;
  /** A file-system time that moves on with every change: each change is seen a moment after the last. */
  let clock = Date.now() / 1000 - 10_000;
  const savedThreads = process.env['OMP_NUM_THREADS'];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'ds-rechecked-env-'));
    mkdirSync(join(root, 'project'));
    ds = await openDotscience({ cwd: join(root, 'project'), env: {} });
  });
  afterAll(async () => {
    await ds.close();
    rmSync(root, { recursive: true, force: true });
    if (savedThreads === undefined) delete process.env['OMP_NUM_THREADS'];
    else process.env['OMP_NUM_THREADS'] = savedThreads;
  });

  /** Mark `paths` changed now (their times move on, as a later edit's would). */
  const touched = (...paths: string[]): void => {
    for (const path of paths) {
      clock += 2;
      utimesSync(path, clock, clock);
    }
  };
  const writeOrRemove = (path: string, text: string | null): void => {
    if (text === null) rmSync(path, { force: true });
    else writeFileSync(path, text);
    if (text !== null) touched(path);
    touched(dirname(path));
  };

  function apply(project: string, c: Change): void {
    switch (c.kind) {
      case 'package.json':
        return writeOrRemove(join(project, 'package.json'), c.range === null ? null : JSON.stringify({ dependencies: { leftpad: c.range } }));
      case 'installed': {
        // As npm and pnpm replace a package: a new directory renamed into place.
        const modules = join(project, 'node_modules');
        mkdirSync(modules, { recursive: true });
        rmSync(join(modules, 'leftpad'), { recursive: true, force: true });
        if (c.version !== null) {
          mkdirSync(join(modules, '.staging'));
          writeFileSync(join(modules, '.staging', 'package.json'), JSON.stringify({ name: 'leftpad', version: c.version }));
          renameSync(join(modules, '.staging'), join(modules, 'leftpad'));
        }
        return touched(modules);
      }
      case 'requirements':
        return writeOrRemove(join(c.where === 'project' ? project : dirname(project), 'requirements.txt'), c.pin === null ? null : `numpy==${c.pin}\n`);
      case 'variable':
        if (c.value === null) delete process.env['OMP_NUM_THREADS'];
        else process.env['OMP_NUM_THREADS'] = c.value;
        return;
      case 'unrelated file':
        return writeOrRemove(join(project, 'notes.txt'), `${clock}`);
      case 'nothing':
        return;
    }
  }

  it('given random changes between the runs of a sweep, when each run asks for its environment, then it gets what describing it afresh gives', async () => {
    let sweeps = 0;
    let reused = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(change, { minLength: 1, maxLength: 12 }), async (changes) => {
        const project = join(root, 'project');
        const counted = new Counted(ds.environment);
        const rechecked = new RecheckedEnvironment(() => counted);
        const workload = { script: 'train.js', command: ['node', 'train.js'] };
        for (const c of changes) {
          apply(project, c);
          const asked = counted.described;
          const got = await rechecked.describe(project, workload);
          expect(got).toEqual(await ds.environment.describe(project, workload));
          if (counted.described === asked) reused++;
        }
        sweeps++;
      }),
      { numRuns: 40 },
    );
    expect(sweeps).toBe(40);
    expect(reused).toBeGreaterThan(0); // the descriptions were handed out again, not only made afresh
  });

  it('given a sweep whose environment changes between two runs, then the second run records the new environment', async () => {
    const project = mkdtempSync(join(root, 'sweep-'));
    const rechecked = new RecheckedEnvironment(() => ds.environment);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ dependencies: { leftpad: '^1.0.0' } }));
    touched(join(project, 'package.json'), project);
    const first = await rechecked.describe(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ dependencies: { leftpad: '^2.0.0' } }));
    touched(join(project, 'package.json'));
    const second = await rechecked.describe(project);
    expect(first.packages?.['leftpad']).toBe('^1.0.0');
    expect(second.packages?.['leftpad']).toBe('^2.0.0');
    const manifest = (info: EnvironmentInfo) => info.manifests?.find((m) => m.path === join(project, 'package.json'))?.version;
    expect(manifest(second)).toBeDefined();
    expect(manifest(second)).not.toEqual(manifest(first));
  });

  it('given nothing changed, when 20 runs ask, then the environment is described once and each run gets its own copy', async () => {
    // Not under tmpdir(): every directory up to the root is a witness, and the test files that run beside
    // this one make and remove directories in tmpdir() all the time, which rightly has the runs describe again.
    const project = mkdtempSync(join(existsSync('/var/tmp') ? '/var/tmp' : tmpdir(), 'ds-rechecked-still-'));
    onTestFinished(() => rmSync(project, { recursive: true, force: true }));
    const counted = new Counted(ds.environment);
    const rechecked = new RecheckedEnvironment(() => counted);
    const first = await rechecked.describe(project);
    for (let i = 0; i < 19; i++) expect(await rechecked.describe(project)).toEqual(first);
    expect(counted.described).toBe(1);
    (first as { host: string }).host = 'changed by one run';
    expect((await rechecked.describe(project)).host).not.toBe('changed by one run');
  });
});

describe('environmentWitnesses', () => {
  it('given two starts in one tree, then every directory up to the root and the witnessed entries in them are listed once, sorted', () => {
    const entries: Record<string, string[]> = { '/a/b': ['package.json', 'x.txt', 'node_modules'], '/a': ['requirements.txt'], '/': ['tmp'] };
    const witnesses = environmentWitnesses(
      ['/a/b/c', '/a/b'],
      (dir) => entries[dir] ?? [],
      (name) => name !== 'x.txt' && name !== 'tmp',
    );
    expect(witnesses).toEqual(['/', '/a', '/a/b', '/a/b/c', '/a/b/node_modules', '/a/b/package.json', '/a/requirements.txt']);
  });
});
