import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/program.js';
import { CLI_ENTRY, ds } from './fixtures/cli-process.js';

const names = async (args: readonly string[]): Promise<string[]> => (await buildProgram(args)).commands.map((c) => c.name());

describe('ds loads only the commands a command line needs', () => {
  it('given `ds runs …`, when the program is built, then runs is the only command loaded', async () => {
    expect(await names(['runs', '--limit', '3'])).toEqual(['runs']);
  });

  it('given global options with values before the command, then the word after them is the command', async () => {
    expect(await names(['--store', 'runs-dir', '--project', 'p', 'show', 'abc'])).toEqual(['show']);
    expect(await names(['--store=elsewhere', 'token', 'list'])).toEqual(['token']);
  });

  it('given a bare --version, then no command is loaded', async () => {
    expect(await names(['--version'])).toEqual([]);
    expect(await names(['-V'])).toEqual([]);
  });

  it('given --help, no command, or an unknown one, then every command is loaded (to list them)', async () => {
    const all = await names([]);
    expect(all).toEqual(expect.arrayContaining(['init', 'run', 'runs', 'show', 'token', 'push', 'pull']));
    expect(await names(['--help'])).toEqual(all);
    expect(await names(['no-such-command'])).toEqual(all);
    expect(await names(['--store'])).toEqual(all);
  });
});

describe('the bundled ds', () => {
  it('given the bundle the tests run, then it has a source map beside it and answers --version with the package version', () => {
    expect(CLI_ENTRY).toMatch(/bundle[\\/]ds\.cjs$/);
    expect(existsSync(`${CLI_ENTRY}.map`)).toBe(true);
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    const result = ds(['--version'], { cwd: process.cwd() });
    expect(result).toMatchObject({ code: 0, stdout: `${version}\n` });
  });
  it('given a compile cache directory, when ds runs twice, then the first keeps the code of the chunks it compiled and the second uses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ds-compile-cache-'));
    try {
      const env = { DOTSCIENCE_COMPILE_CACHE: join(dir, 'cache') };
      const kept = (): Map<string, number> => {
        const [node] = readdirSync(env.DOTSCIENCE_COMPILE_CACHE);
        const at = join(env.DOTSCIENCE_COMPILE_CACHE, node!);
        return new Map(readdirSync(at).map((file) => [file, statSync(join(at, file)).mtimeMs]));
      };
      const first = ds(['runs', '--help'], { cwd: dir, env });
      expect(first.code, first.stderr).toBe(0);
      const afterFirst = kept();
      expect([...afterFirst.keys()]).toEqual(expect.arrayContaining([expect.stringMatching(/^ds-main\.cjs-[0-9a-f]{32}\.v8$/)]));
      const second = ds(['runs', '--help'], { cwd: dir, env });
      expect(second).toEqual(first);
      expect(kept()).toEqual(afterFirst);
      const off = ds(['runs', '--help'], { cwd: dir, env: { DOTSCIENCE_COMPILE_CACHE: 'off' } });
      expect(off).toEqual(first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('what the bundled ds loads for a command', () => {
  /** The source files of every bundle chunk `ds <args>` loaded (from the chunks' source maps), listed by a preloaded module at exit. */
  function sourcesLoadedBy(args: readonly string[], cwd: string): string[] {
    const log = join(cwd, 'loaded-modules.log');
    const hook = join(cwd, 'loaded-modules-hook.cjs');
    writeFileSync(hook, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(log)}, Object.keys(require.cache).join('\\n')));\n`);
    const result = ds(args, { cwd, env: { NODE_OPTIONS: `--require ${hook}` } });
    expect(result.code, result.stderr).toBe(0);
    const chunks = readFileSync(log, 'utf8')
      .split('\n')
      .filter((path) => path.includes(`${sep}bundle${sep}`));
    expect(chunks).toContain(CLI_ENTRY);
    const mapOf = (chunk: string) => `${chunk}.map`;
    // A chunk without a map (rolldown's runtime) stands for itself.
    return chunks.flatMap((chunk) => (existsSync(mapOf(chunk)) ? (JSON.parse(readFileSync(mapOf(chunk), 'utf8')) as { sources: string[] }).sources : [chunk]));
  }

  it('given `ds --version`, then it loads neither the stores, inversify, zod nor reflect-metadata', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ds-loading-'));
    try {
      const sources = sourcesLoadedBy(['--version'], dir);
      expect(sources.some((s) => s.includes('commander'))).toBe(true);
      expect(sources.filter((s) => /reflect-metadata|inversify|\/zod\/|composition-root/.test(s))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('given `ds runs` on a store, then it loads the read model but not what records a run, the projection runner or the full reflect-metadata', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ds-loading-'));
    try {
      expect(ds(['init'], { cwd: dir }).code).toBe(0);
      const sources = sourcesLoadedBy(['runs'], dir);
      expect(sources.some((s) => s.endsWith('adapters-sqlite/src/sqlite-run-read-model.ts'))).toBe(true);
      const needless = /core\/src\/run\/decide\.ts$|core\/src\/application\/run-recorder\.ts$|projection-runner\.ts$|reflect-metadata\/Reflect\.js$|notebook/;
      expect(sources.filter((s) => needless.test(s))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
