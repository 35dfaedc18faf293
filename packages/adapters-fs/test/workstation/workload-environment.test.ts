import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentInfoSchema } from '@dotscience/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allowedVariables, describePython, findDependencyManifests, InterpreterCache, NodeEnvironment } from '../../src/workstation/index.js';

let root = '';
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ds-workload-env-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A distribution importlib.metadata finds on PYTHONPATH `site`. */
async function distribution(site: string, name: string, version: string): Promise<string> {
  const dir = join(site, `${name}-${version}.dist-info`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'METADATA'), `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n`);
  return dir;
}

describe('the environment of a Python workload', () => {
  it('is Python’s own: its version, path and installed distributions, not ds’s Node', async () => {
    const site = join(root, 'site');
    await distribution(site, 'Fake_Package', '1.2.3');
    const env = { ...process.env, PYTHONPATH: site };
    const info = await new NodeEnvironment({ env, cacheDirectory: join(root, 'cache') }).describe(root, { command: ['python3', 'train.py'] });
    expect(EnvironmentInfoSchema.parse(info)).toEqual(info);
    expect(info.runtime).toMatch(/^python 3\.\d+\.\d+/);
    expect(info.interpreter).toMatchObject({ language: 'python', version: info.runtime.slice('python '.length) });
    expect(info.packages).toMatchObject({ 'fake-package': '1.2.3' });
    expect(info.machine).toMatchObject({ cores: expect.any(Number), memoryBytes: expect.any(Number) });
  });

  it('is asked of the interpreter once, then read from the cache until a package is installed or removed', async () => {
    const site = join(root, 'site');
    const installed = await distribution(site, 'fake-package', '1.0.0');
    const env = { ...process.env, PYTHONPATH: site };
    const cache = new InterpreterCache(join(root, 'cache'));
    expect((await describePython('python3', root, env, cache))?.packages['fake-package']).toBe('1.0.0');
    // The answer is cached: marked in the cache file, the mark comes back (python was not asked again).
    const [file] = await readdir(join(root, 'cache', 'interpreters'));
    const path = join(root, 'cache', 'interpreters', file!);
    const entry = JSON.parse(await readFile(path, 'utf8')) as { answer: { packages: Record<string, string> } };
    entry.answer.packages['Fake-Package'] = '1.0.0+from-the-cache';
    await writeFile(path, JSON.stringify(entry));
    expect((await describePython('python3', root, env, cache))?.packages['fake-package']).toBe('1.0.0+from-the-cache');

    // Upgrading the package changes site's directory (the dist-info is replaced): the cache is stale.
    await rename(installed, join(root, 'moved-away'));
    await distribution(site, 'fake-package', '2.0.0');
    expect((await describePython('python3', root, env, cache))?.packages['fake-package']).toBe('2.0.0');
  });

  it('is undefined for an interpreter that is not there', async () => {
    expect(await describePython('python3.0-not-installed', root, { PATH: root }, new InterpreterCache(join(root, 'cache')))).toBeUndefined();
  });
});

describe('allow-listed environment variables', () => {
  it('records the harmless defaults and what DOTSCIENCE_ENV_ALLOW names (exact and PREFIX_*), nothing else', () => {
    const env = {
      PYTHONHASHSEED: '0',
      AWS_SECRET_ACCESS_KEY: 'secret',
      MY_SEED: '7',
      TRAIN_A: 'a',
      TRAIN_B: 'b',
      OTHER: 'x',
      DOTSCIENCE_ENV_ALLOW: 'MY_SEED, TRAIN_*',
    };
    expect(allowedVariables(env)).toEqual({ PYTHONHASHSEED: '0', MY_SEED: '7', TRAIN_A: 'a', TRAIN_B: 'b' });
    expect(allowedVariables({ AWS_SECRET_ACCESS_KEY: 'secret', HOME: '/root' })).toEqual({});
  });
});

describe('dependency manifests', () => {
  it('are found in the nearest project root above the working directory and the script, with a workspace lockfile above a package.json', async () => {
    await mkdir(join(root, 'workspace', 'examples', 'dist'), { recursive: true });
    await mkdir(join(root, 'project', 'src'), { recursive: true });
    await writeFile(join(root, 'workspace', 'pnpm-lock.yaml'), 'lockfileVersion: 9\n');
    await writeFile(join(root, 'workspace', 'examples', 'package.json'), '{}');
    for (const name of ['requirements.txt', 'requirements-dev.txt', 'pyproject.toml', 'environment.yml', 'notes.txt'])
      await writeFile(join(root, 'project', name), '');
    const found = await findDependencyManifests([join(root, 'project', 'src'), join(root, 'workspace', 'examples', 'dist')]);
    expect(found.sort()).toEqual(
      [
        join(root, 'project', 'environment.yml'),
        join(root, 'project', 'pyproject.toml'),
        join(root, 'project', 'requirements-dev.txt'),
        join(root, 'project', 'requirements.txt'),
        join(root, 'workspace', 'examples', 'package.json'),
        join(root, 'workspace', 'pnpm-lock.yaml'),
      ].sort(),
    );
  });
});
