import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidInputError } from '@dotscience/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigurationError, resolveConfiguration } from '../src/index.js';

describe('configuration resolution (DESIGN §7)', () => {
  let root: string;
  beforeEach(async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), 'ds-config-')));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  async function configFile(dir: string, settings: unknown): Promise<string> {
    await mkdir(join(dir, '.dotscience'), { recursive: true });
    const path = join(dir, '.dotscience', 'config.json');
    await writeFile(path, typeof settings === 'string' ? settings : JSON.stringify(settings));
    return path;
  }

  it('given nothing configured, then the embedded fs store in ./.dotscience of the working directory is used', () => {
    const c = resolveConfiguration({ cwd: root, env: {} });
    expect(c.store).toEqual({ kind: 'fs', directory: join(root, '.dotscience') });
    expect(c.data).toEqual({ kind: 'fs', directory: join(root, '.dotscience', 'data') });
    expect(c.checkpointsDirectory).toBe(join(root, '.dotscience', 'projections'));
    expect(c.projectId).toBe('default');
    expect(c.sources.store).toBe('default');
  });

  it('given a config file two levels up, then it is found by walking up and its relative paths resolve from the project root', async () => {
    const file = await configFile(root, { store: 'file:./shared-store', project: 'iris' });
    const nested = join(root, 'src', 'deep');
    await mkdir(nested, { recursive: true });
    const c = resolveConfiguration({ cwd: nested, env: {} });
    expect(c.configFile).toBe(file);
    expect(c.projectRoot).toBe(root);
    expect(c.store).toEqual({ kind: 'fs', directory: join(root, 'shared-store') });
    expect(c.projectId).toBe('iris');
    expect(c.sources.store).toBe(file);
  });

  it('given the same setting in the file, the environment and an option, then the option wins, then the environment', async () => {
    await configFile(root, { store: 'file:from-file' });
    const env = { DOTSCIENCE_STORE: '/from/env', DOTSCIENCE_DATA: 'file:/data/env' };
    expect(resolveConfiguration({ cwd: root, env }).store).toEqual({ kind: 'fs', directory: '/from/env' });
    expect(resolveConfiguration({ cwd: root, env }).sources.store).toBe('DOTSCIENCE_STORE');
    expect(resolveConfiguration({ cwd: root, env, settings: { store: 'file:///from/option' } }).store).toEqual({ kind: 'fs', directory: '/from/option' });
    expect(resolveConfiguration({ cwd: root, env }).data).toEqual({ kind: 'fs', directory: '/data/env' });
    expect(resolveConfiguration({ cwd: root, env: {} }).store).toEqual({ kind: 'fs', directory: join(root, 'from-file') });
  });

  it('given store URLs of every kind, then each is parsed to its location', () => {
    const store = (value: string) => resolveConfiguration({ cwd: root, env: { DOTSCIENCE_STORE: value } }).store;
    expect(store('https://hub.example.com/')).toEqual({ kind: 'hub', url: 'https://hub.example.com' });
    expect(store('kurrentdb://node1:2113?tls=false')).toEqual({ kind: 'kurrentdb', connectionString: 'kurrentdb://node1:2113?tls=false' });
    expect(store('esdb://node1:2113')).toEqual({ kind: 'kurrentdb', connectionString: 'esdb://node1:2113' });
    expect(resolveConfiguration({ cwd: root, env: { DOTSCIENCE_DATA: 'zfs:tank/datasets' } }).data).toEqual({ kind: 'zfs', dataset: 'tank/datasets' });
  });

  it('given a hub, then events and data both go to it unless data is set', () => {
    const c = resolveConfiguration({ cwd: root, env: { DOTSCIENCE_HUB: 'http://127.0.0.1:8080', DOTSCIENCE_TOKEN: 't0k' } });
    expect(c.store).toEqual({ kind: 'hub', url: 'http://127.0.0.1:8080' });
    expect(c.data).toEqual({ kind: 'hub', url: 'http://127.0.0.1:8080' });
    expect(c.token).toBe('t0k');
    const mixed = resolveConfiguration({ cwd: root, env: { DOTSCIENCE_HUB: 'http://127.0.0.1:8080', DOTSCIENCE_DATA: 'zfs:tank/big' } });
    expect(mixed.data).toEqual({ kind: 'zfs', dataset: 'tank/big' });
  });

  it('given an unknown scheme, then the error names the setting, where it came from and what to write', () => {
    expect(() => resolveConfiguration({ cwd: root, env: { DOTSCIENCE_STORE: 'ftp://x/y' } })).toThrow(ConfigurationError);
    expect(() => resolveConfiguration({ cwd: root, env: { DOTSCIENCE_STORE: 'ftp://x/y' } })).toThrow(/store \(from DOTSCIENCE_STORE\).*file:<dir>/);
    expect(() => resolveConfiguration({ cwd: root, env: { DOTSCIENCE_DATA: 'zfs:' } })).toThrow(/data \(from DOTSCIENCE_DATA\).*zfs:<pool>\/<dataset>/);
  });

  it('given a config file with a misspelt key or bad JSON, then the error names the file and the key', async () => {
    const file = await configFile(root, { stroe: 'file:x' });
    expect(() => resolveConfiguration({ cwd: root, env: {} })).toThrow(InvalidInputError);
    expect(() => resolveConfiguration({ cwd: root, env: {} })).toThrow(new RegExp(`${file}.*stroe`));
    await configFile(root, '{ "store": ');
    expect(() => resolveConfiguration({ cwd: root, env: {} })).toThrow(/cannot be read as JSON/);
  });

  it('given a bad project id in the environment, then the error names the variable', () => {
    expect(() => resolveConfiguration({ cwd: root, env: { DOTSCIENCE_PROJECT: 'no spaces' } })).toThrow(/DOTSCIENCE_PROJECT/);
  });

  it('given no code settings, then untracked files are carried up to 1 MiB each and 10 MiB in all, and git has 60 s', () => {
    expect(resolveConfiguration({ cwd: root, env: {} }).codeInspection).toEqual({
      maxUntrackedFileBytes: 1024 * 1024,
      maxUntrackedBytes: 10 * 1024 * 1024,
      gitTimeoutMs: 60_000,
      gitTimeoutSetting: expect.stringContaining('DOTSCIENCE_CODE_GIT_TIMEOUT_MS'),
    });
  });

  it('given code settings in the file, the environment and an option, then each is taken from the first that has it', async () => {
    await configFile(root, { code: { maxUntrackedFileBytes: 100, maxUntrackedBytes: 1000, gitTimeoutMs: 5000 } });
    const env = { DOTSCIENCE_CODE_MAX_UNTRACKED_BYTES: '2000', DOTSCIENCE_CODE_GIT_TIMEOUT_MS: ' 7000 ' };
    expect(resolveConfiguration({ cwd: root, env, settings: { code: { gitTimeoutMs: 9000 } } }).codeInspection).toMatchObject({
      maxUntrackedFileBytes: 100,
      maxUntrackedBytes: 2000,
      gitTimeoutMs: 9000,
    });
  });

  it('given a code setting that is not a whole number, or an unknown one, then the error names the variable or the key', async () => {
    expect(() => resolveConfiguration({ cwd: root, env: { DOTSCIENCE_CODE_GIT_TIMEOUT_MS: '10s' } })).toThrow(
      /DOTSCIENCE_CODE_GIT_TIMEOUT_MS: "10s" is not a whole number/,
    );
    expect(() => resolveConfiguration({ cwd: root, env: { DOTSCIENCE_CODE_GIT_TIMEOUT_MS: '0' } })).toThrow(/DOTSCIENCE_CODE_GIT_TIMEOUT_MS/);
    expect(() => resolveConfiguration({ cwd: root, env: { DOTSCIENCE_CODE_MAX_UNTRACKED_FILE_BYTES: '-1' } })).toThrow(
      /DOTSCIENCE_CODE_MAX_UNTRACKED_FILE_BYTES/,
    );
    await configFile(root, { code: { maxUntrackedFileBytes: 1.5 } });
    expect(() => resolveConfiguration({ cwd: root, env: {} })).toThrow(/code\.maxUntrackedFileBytes/);
    await configFile(root, { code: { timeoutMs: 1000 } });
    expect(() => resolveConfiguration({ cwd: root, env: {} })).toThrow(/code.*timeoutMs/);
  });
});
