import type { RunView } from '@dotscience/sdk';

/** A word as a POSIX shell reads it back unchanged. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

const INTERPRETERS: Array<[RegExp, string]> = [
  [/\.py$/, 'python3'],
  [/\.(m|c)?js$/, 'node'],
  [/\.(m|c)?ts$/, 'npx tsx'],
  [/\.ipynb$/, 'jupyter nbconvert --to notebook --execute'],
  [/\.R$/i, 'Rscript'],
];

/** The command that re-runs a run's workload: its recorded command line, else its script or notebook with the usual interpreter. */
export function rerunCommand(run: RunView): string | undefined {
  const { command, script, notebook } = run.workload;
  if (command && command.length > 0) return command.map(shellWord).join(' ');
  const file = script ?? notebook;
  if (file === undefined) return undefined;
  const interpreter = INTERPRETERS.find(([pattern]) => pattern.test(file))?.[1];
  return interpreter ? `${interpreter} ${shellWord(file)}` : shellWord(file);
}
