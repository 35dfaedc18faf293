import { existsSync, readFileSync } from 'node:fs';
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
    expect(CLI_ENTRY).toMatch(/bundle[\\/]ds\.mjs$/);
    expect(existsSync(`${CLI_ENTRY}.map`)).toBe(true);
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    const result = ds(['--version'], { cwd: process.cwd() });
    expect(result).toMatchObject({ code: 0, stdout: `${version}\n` });
  });
});
