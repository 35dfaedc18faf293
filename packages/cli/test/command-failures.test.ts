import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { reportFailure } from '../src/failure-report.js';
import { buildProgram } from '../src/program.js';
import { UNRECORDED_BLOCK_EXIT_CODE } from '../src/runner/index.js';
import { ds } from './fixtures/cli-process.js';

/** The exit codes README.md documents ("Exit codes"). */
const USAGE = 2;
const FAILED = 1;

/** Every command of `ds`, the root and the groups included, as the words a user types after `ds`. */
function everyCommand(command: Command, path: string[] = []): Array<{ path: string[]; command: Command }> {
  return [{ path, command }, ...command.commands.flatMap((sub) => everyCommand(sub, [...path, sub.name()]))];
}

/** A command's action was reached: these cases must fail before any command does its work. */
class ActionReached extends Error {}

/** `ds <args>` parsed in this process exactly as main.ts does: what reaches stderr and the exit code. */
async function run(args: readonly string[]): Promise<{ code: number; stderr: string }> {
  const program = await buildProgram();
  program.hook('preAction', (_self, action) => {
    if (action.commands.length === 0) throw new ActionReached(`ds ${args.join(' ')} reached its action`);
  });
  let stderr = '';
  const capture = { writeErr: (text: string) => void (stderr += text), writeOut: () => undefined };
  for (const { command } of everyCommand(program)) command.configureOutput(capture);
  const sink = { write: (text: string) => ((stderr += text), true) } as unknown as NodeJS.WritableStream;
  try {
    await program.parseAsync([...args], { from: 'user' });
    return { code: 0, stderr };
  } catch (error) {
    if (error instanceof ActionReached) throw error;
    return { code: reportFailure(error, sink, {}), stderr };
  }
}

const oneLine = /^ds: \S.*\n$/;

/** The whole command tree, every command loaded (buildProgram without the words after `ds`). */
const wholeTree = await buildProgram();

describe('every command fails in one line with the documented exit code', () => {
  const commands = everyCommand(wholeTree);
  const leaves = commands.filter(({ command }) => command.commands.length === 0);
  const groups = commands.filter(({ command }) => command.commands.length > 0);
  /** The command a group runs when none is named (`ds models` lists, as `ds models list`), if it has one. */
  const defaultOf = (command: Command): string | undefined => (command as unknown as { _defaultCommandName?: string })._defaultCommandName ?? undefined;

  it('given the program, when its commands are enumerated, then the known ones are all there (the enumeration is not empty)', () => {
    const names = commands.map(({ path }) => path.join(' '));
    expect(names).toEqual(expect.arrayContaining(['', 'run', 'runs', 'ui', 'serve', 'token', 'token create', 'token revoke', 'audit verify', 'push', 'pull']));
    expect(leaves.length).toBeGreaterThan(20);
    expect(commands.filter(({ command }) => passesOptionsOn(command)).map(({ path }) => path.join(' '))).toEqual(['run']);
  });

  // ds run hands options it does not know to the program it runs.
  const passesOptionsOn = (command: Command): boolean => (command as unknown as { _allowUnknownOption: boolean })._allowUnknownOption;

  it.each(commands.filter(({ command }) => !passesOptionsOn(command)).map(({ path }) => [path.join(' ') || '(ds)', path] as const))(
    'given ds %s with an option it does not have, then one line names the option (or a required one missing) and its --help, exit 2',
    async (_name, path) => {
      const result = await run([...path, '--no-such-option']);
      expect(result.stderr).toMatch(oneLine);
      expect(result.stderr).toMatch(/'--no-such-option'|required option '--\w+/);
      const command = commands.find((c) => c.path.join(' ') === path.join(' '))!.command;
      const runs = defaultOf(command);
      expect(result.stderr).toContain(`${['ds', ...path, ...(runs === undefined ? [] : [runs])].join(' ')} --help`);
      expect(result.code).toBe(USAGE);
    },
  );

  it.each(leaves.filter(({ command }) => command.registeredArguments.some((a) => a.required)).map(({ path }) => [path.join(' '), path] as const))(
    'given ds %s without its required arguments, then one line names the missing argument, exit 2',
    async (_name, path) => {
      const result = await run(path);
      expect(result.stderr).toMatch(oneLine);
      expect(result.stderr).toMatch(/missing required argument '\w+'|needs/);
      expect(result.code).toBe(USAGE);
    },
  );

  it.each(
    leaves
      .filter(({ command }) => !command.registeredArguments.some((a) => a.variadic))
      .map(({ path, command }) => [path.join(' '), path, command.registeredArguments.length] as const),
  )('given ds %s with more arguments than it takes, then one line says so, exit 2', async (_name, path, declared) => {
    const result = await run([...path, ...Array.from({ length: declared + 1 }, (_, i) => `extra-${i}`)]);
    expect(result.stderr).toMatch(oneLine);
    expect(result.code).toBe(USAGE);
  });

  it.each(groups.filter(({ command }) => defaultOf(command) !== undefined).map(({ path }) => [path.join(' '), path] as const))(
    'given the group ds %s, which runs a default command, with an unknown command, then one line says so, exit 2',
    async (_name, path) => {
      const result = await run([...path, 'no-such-command']);
      expect(result.stderr).toMatch(oneLine);
      expect(result.code).toBe(USAGE);
    },
  );

  it.each(groups.filter(({ command }) => defaultOf(command) === undefined).map(({ path }) => [path.join(' ') || '(ds)', path] as const))(
    'given the group ds %s without a command or with an unknown one, then one line lists its commands, exit 2',
    async (_name, path) => {
      for (const args of [path, [...path, 'no-such-command']]) {
        const result = await run(args);
        expect(result.stderr).toMatch(oneLine);
        expect(result.stderr).toContain(groups.find((g) => g.path.join(' ') === path.join(' '))!.command.commands[0]!.name());
        expect(result.code).toBe(USAGE);
      }
    },
  );
});

describe('the commands that failed silently, through the built ds', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'ds-cli-failures-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('given no built web UI, when ds ui runs, then one line says to build it, exit 1', () => {
    const result = ds(['ui'], { cwd: scratch, env: { DOTSCIENCE_WEB_APP: join(scratch, 'no-web-app') } });
    expect(result.stderr).toMatch(oneLine);
    expect(result.stderr).toContain('no-web-app');
    expect(result.stderr).toContain('[WEB_APP_NOT_BUILT]');
    expect(result.code).toBe(FAILED);
  });

  it('given no --store, when ds serve runs, then one line asks for it, exit 2', () => {
    const result = ds(['serve', '--port', '0'], { cwd: scratch });
    expect(result.stderr).toMatch(oneLine);
    expect(result.stderr).toContain('--store <dir>');
    expect(result.code).toBe(USAGE);
  });

  it('given no --store or no --project, when ds token create runs, then one line asks for the one missing, exit 2', () => {
    const noStore = ds(['--project', 'p', 'token', 'create'], { cwd: scratch });
    expect(noStore.stderr).toMatch(oneLine);
    expect(noStore.stderr).toContain('--store <dir>');
    expect(noStore.code).toBe(USAGE);
    const noProject = ds(['--store', join(scratch, 'hub'), 'token', 'create'], { cwd: scratch });
    expect(noProject.stderr).toMatch(oneLine);
    expect(noProject.stderr).toContain('--project <id>');
    expect(noProject.code).toBe(USAGE);
  });

  it('given --version, then the cli package version is printed, exit 0', () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    const result = ds(['--version'], { cwd: scratch });
    expect(result).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});

describe('README "Exit codes" documents every code ds exits with', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('**Exit codes.**'));
  const documented = [...section.slice(0, section.indexOf('\n\n', section.indexOf('| code |'))).matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));

  it("given the table, then it lists done, failed, usage, a bug, and ds run's unrecorded block", () => {
    expect(documented).toEqual(expect.arrayContaining([0, FAILED, USAGE, 70, UNRECORDED_BLOCK_EXIT_CODE]));
  });

  it('given a filter or sort that does not parse, then the README says the query and a caret follow the line, as ds prints them', () => {
    expect(section.slice(0, section.indexOf('| code |'))).toMatch(/filter or sort that does not parse adds .*the query.*caret/);
  });
});
