import { allowedVariables } from '@dotscience/sdk';
import type { RunView } from '@dotscience/sdk';

export interface VariableDifference {
  name: string;
  then: string | null;
  here: string | null;
}

/** The allow-listed variables whose value here differs from the run's (set then and unset here, or the reverse). */
export function variableDifferences(run: RunView, env: NodeJS.ProcessEnv = process.env): VariableDifference[] {
  const then = run.environment.variables;
  if (then === undefined) return [];
  const here = allowedVariables({ ...env, DOTSCIENCE_ENV_ALLOW: [env['DOTSCIENCE_ENV_ALLOW'] ?? '', ...Object.keys(then)].join(',') });
  const names = [...new Set([...Object.keys(then), ...Object.keys(here)])].sort();
  return names
    .map((name) => ({ name, then: Object.hasOwn(then, name) ? then[name]! : null, here: Object.hasOwn(here, name) ? here[name]! : null }))
    .filter((d) => d.then !== d.here);
}
