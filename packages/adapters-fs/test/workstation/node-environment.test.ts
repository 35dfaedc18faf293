import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, platform, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { EnvironmentInfoSchema } from '@dotscience/core';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeEnvironment } from '../../src/workstation/index.js';

let root = '';
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  root = '';
});

/** A project tree in a fresh temp directory: path → file content (objects are written as JSON). */
async function project(files: Record<string, string | object>): Promise<string> {
  root = await mkdtemp(join(tmpdir(), 'ds-env-'));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return root;
}

const environment = new NodeEnvironment();

describe('NodeEnvironment.describe', () => {
  it('describes the runtime, OS, host and user', async () => {
    const dir = await project({});
    const info = await environment.describe(dir);
    expect(info.runtime).toBe(`node ${process.version}`);
    expect(info.runtime).toMatch(/^node v\d+\.\d+\.\d+/);
    expect(info.os.startsWith(`${platform()} `)).toBe(true);
    expect(info.host).toBe(hostname());
    expect(info.user.length).toBeGreaterThan(0);
    expect(info.packages).toBeUndefined();
    expect(EnvironmentInfoSchema.parse(info)).toEqual(info);
  });

  it('falls back to $USER when the account has no name', async () => {
    const dir = await project({});
    const noAccount = new NodeEnvironment({
      accountName: () => {
        throw new Error('no passwd entry');
      },
      env: { USER: 'ada' },
    });
    expect((await noAccount.describe(dir)).user).toBe('ada');
  });

  it('given a package.json and node_modules, then dependencies are recorded at their installed versions', async () => {
    const dir = await project({
      'package.json': { name: 'app', dependencies: { zod: '^4.0.0', '@tensorflow/tfjs': '^4.0.0' }, devDependencies: { vitest: '^4.0.0' } },
      'node_modules/zod/package.json': { name: 'zod', version: '4.1.12' },
      'node_modules/@tensorflow/tfjs/package.json': { name: '@tensorflow/tfjs', version: '4.22.0' },
    });
    const info = await environment.describe(dir);
    // vitest is neither installed nor locked: its declared range is what is known
    expect(info.packages).toEqual({ zod: '4.1.12', '@tensorflow/tfjs': '4.22.0', vitest: '^4.0.0' });
  });

  it('walks up from a subdirectory to the nearest package.json, and finds hoisted node_modules above it', async () => {
    const dir = await project({
      'package.json': { private: true },
      'node_modules/ml-cart/package.json': { version: '2.1.1' },
      'packages/train/package.json': { dependencies: { 'ml-cart': '^2.0.0' } },
      'packages/train/src/scripts/.keep': '',
    });
    const info = await environment.describe(join(dir, 'packages/train/src/scripts'));
    expect(info.packages).toEqual({ 'ml-cart': '2.1.1' });
  });

  it('given no node_modules, then versions come from package-lock.json (v3 install paths, nested before hoisted)', async () => {
    const dir = await project({
      'package-lock.json': {
        lockfileVersion: 3,
        packages: {
          '': { name: 'root' },
          'node_modules/rxjs': { version: '7.8.2' },
          'node_modules/zod': { version: '3.25.0' },
          'apps/train/node_modules/zod': { version: '4.1.12' },
        },
      },
      'apps/train/package.json': { dependencies: { zod: '^4.0.0', rxjs: '^7.0.0', unlisted: '~1.0.0' } },
    });
    const info = await environment.describe(join(dir, 'apps/train'));
    expect(info.packages).toEqual({ zod: '4.1.12', rxjs: '7.8.2', unlisted: '~1.0.0' });
  });

  it('reads a v1 package-lock.json', async () => {
    const dir = await project({
      'package.json': { dependencies: { lodash: '^4.0.0' } },
      'package-lock.json': { lockfileVersion: 1, dependencies: { lodash: { version: '4.17.21' } } },
    });
    expect((await environment.describe(dir)).packages).toEqual({ lodash: '4.17.21' });
  });

  it('given a pnpm workspace, then versions come from the importer of the package in pnpm-lock.yaml', async () => {
    const dir = await project({
      'package.json': { private: true, devDependencies: { typescript: '^5.0.0' } },
      'pnpm-lock.yaml': PNPM_WORKSPACE_LOCK,
      'packages/train/package.json': {
        dependencies: { '@dotscience/sdk': 'workspace:*', '@tensorflow/tfjs-node': '^4.0.0', 'ml-cart': '^2.0.0' },
      },
    });
    expect((await environment.describe(join(dir, 'packages/train'))).packages).toEqual({
      '@dotscience/sdk': 'workspace:*', // a workspace link has no version of its own until installed
      '@tensorflow/tfjs-node': '4.22.0',
      'ml-cart': '2.1.1',
    });
    expect((await environment.describe(dir)).packages).toEqual({ typescript: '5.4.5' });
  });

  it('reads a pnpm v5 single-project lockfile', async () => {
    const dir = await project({
      'package.json': { dependencies: { 'ml-cart': '^2.0.0' }, devDependencies: { vitest: '^1.0.0' } },
      'pnpm-lock.yaml':
        'lockfileVersion: 5.4\n\nspecifiers:\n  ml-cart: ^2.0.0\n  vitest: ^1.0.0\n\ndependencies:\n  ml-cart: 2.0.3\n\ndevDependencies:\n  vitest: 1.6.0_@types+node@20.1.0\n\npackages:\n\n  /ml-cart/2.0.3:\n    resolution: {integrity: sha512-x}\n',
    });
    expect((await environment.describe(dir)).packages).toEqual({ 'ml-cart': '2.0.3', vitest: '1.6.0' });
  });

  it('given a requirements.txt, then pinned Python packages are recorded under normalised names', async () => {
    const dir = await project({
      'requirements.txt': [
        '# training deps',
        'numpy==1.26.4',
        'scikit_learn==1.4.0  # pinned for the paper',
        'requests[socks]==2.31.0',
        'pandas>=2.0,<3',
        'tqdm',
        'typing-extensions==4.9.0 ; python_version < "3.12"',
        '-r more-requirements.txt',
        '--index-url https://example.org/simple',
        '-e ./local-package',
        'git+https://github.com/org/repo.git#egg=thing',
        'pkg @ https://example.org/pkg.whl',
        '',
      ].join('\n'),
    });
    expect((await environment.describe(dir)).packages).toEqual({
      numpy: '1.26.4',
      'scikit-learn': '1.4.0',
      requests: '2.31.0',
      pandas: '>=2.0,<3',
      tqdm: '*',
      'typing-extensions': '4.9.0',
    });
  });

  it('records npm and Python packages side by side, a name clash keeping the Python one as pypi:<name>', async () => {
    const dir = await project({
      'package.json': { dependencies: { six: '^1.0.0' } },
      'node_modules/six/package.json': { version: '1.0.2' },
      'requirements.txt': 'six==1.16.0\nnumpy==1.26.4\n',
    });
    expect((await environment.describe(dir)).packages).toEqual({ six: '1.0.2', 'pypi:six': '1.16.0', numpy: '1.26.4' });
  });

  it('given a malformed package.json, then packages are omitted, the problem is reported, and nothing throws', async () => {
    for (const malformed of ['{ "dependencies": { "zod": ', JSON.stringify({ dependencies: { zod: 4 } }), '[1, 2]']) {
      const dir = await project({ 'package.json': malformed, 'node_modules/zod/package.json': { version: '4.1.12' } });
      const problems: string[] = [];
      const info = await new NodeEnvironment({ onProblem: (message) => problems.push(message) }).describe(dir);
      expect(info.packages).toBeUndefined();
      expect(info.runtime).toBe(`node ${process.version}`);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain(join(dir, 'package.json'));
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('ignores an installed package.json without a version and never reads outside node_modules for odd names', async () => {
    const dir = await project({
      'package.json': { dependencies: { broken: '^1.0.0', '../escape': '1.0.0' } },
      'node_modules/broken/package.json': '{ not json',
      'escape/package.json': { version: '6.6.6' },
    });
    expect((await environment.describe(dir)).packages).toEqual({ broken: '^1.0.0', '../escape': '1.0.0' });
  });
});

const PNPM_WORKSPACE_LOCK = `lockfileVersion: '9.0'

settings:
  autoInstallPeers: true

importers:

  .:
    devDependencies:
      typescript:
        specifier: ^5.0.0
        version: 5.4.5

  packages/train:
    dependencies:
      '@dotscience/sdk':
        specifier: workspace:*
        version: link:../sdk
      '@tensorflow/tfjs-node':
        specifier: ^4.0.0
        version: 4.22.0(seedrandom@3.0.5)
      ml-cart:
        specifier: ^2.0.0
        version: 2.1.1

packages:

  ml-cart@2.1.1:
    resolution: {integrity: sha512-abc}
    dependencies:
      ml-array-mean: 1.1.6
`;
