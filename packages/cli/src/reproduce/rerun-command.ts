import { resolve } from 'node:path';
import type { RunView } from '@dotscience/sdk';
import type { RestoredPaths } from './restored-paths.js';

/** A word as a POSIX shell reads it back unchanged. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A command line as a shell reads it back word for word. */
export const commandLine = (argv: readonly string[]): string => argv.map(shellWord).join(' ');

const INTERPRETERS: Array<[RegExp, string[]]> = [
  [/\.py$/, ['python3']],
  [/\.(m|c)?js$/, ['node']],
  [/\.(m|c)?ts$/, ['npx', 'tsx']],
  [/\.ipynb$/, ['jupyter', 'nbconvert', '--to', 'notebook', '--execute']],
  [/\.R$/i, ['Rscript']],
];

/** The absolute path of the run's script as the run resolved it (its kept copy's origin for code not in git). */
function scriptPath(run: RunView): string | undefined {
  const { snapshot } = run.codeVersion;
  if (snapshot?.script !== undefined) return resolve(snapshot.directory, snapshot.script);
  const file = run.workload.script ?? run.workload.notebook;
  return file === undefined ? undefined : resolve(run.workload.cwd ?? process.cwd(), file);
}

/**
 * The command line that re-runs a run's workload: its recorded command (every argument), else
 * its script or notebook with the usual interpreter. With `paths`, the script's argument names
 * its reproduced copy instead (code not in git, restored away from where it was).
 */
export function rerunArgv(run: RunView, paths?: RestoredPaths): string[] | undefined {
  const { command, script, notebook } = run.workload;
  const script_ = scriptPath(run);
  const map = (args: readonly string[]): string[] => (paths === undefined ? [...args] : args.map((arg) => paths.argument(arg, script_)));
  if (command && command.length > 0) return map(command);
  const file = script ?? notebook;
  if (file === undefined) return undefined;
  const interpreter = INTERPRETERS.find(([pattern]) => pattern.test(file))?.[1] ?? [];
  return [...interpreter, ...map([file])];
}
