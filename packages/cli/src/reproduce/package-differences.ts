import { existsSync } from 'node:fs';
import { cacheDirectory, describePython, InterpreterCache, NodeEnvironment } from '@dotscience/sdk';
import type { RunView } from '@dotscience/sdk';

/** How many differing packages a statement names before "and N more". */
const NAMED = 10;

export interface PackageDifferences {
  /** What the packages are compared with: "python 3.11.7 at /usr/bin/python3", "node v20.1.0". */
  here: string;
  /** Plain statements of what differs (empty when nothing does). */
  differences: string[];
}

function versionDifferences(then: Readonly<Record<string, string>>, here: Readonly<Record<string, string>>): string[] {
  const lines: string[] = [];
  for (const name of Object.keys(then).sort()) {
    const now = Object.hasOwn(here, name) ? here[name] : undefined;
    if (now === undefined) lines.push(`${name} not installed here (${then[name]} then)`);
    else if (now !== then[name]) lines.push(`${name} ${now} here, ${then[name]} then`);
  }
  return lines;
}

function summarized(kind: string, lines: readonly string[]): string[] {
  if (lines.length === 0) return [];
  const more = lines.length > NAMED ? ` and ${lines.length - NAMED} more` : '';
  return [`installed ${kind} versions differ from the run's: ${lines.slice(0, NAMED).join(', ')}${more}`];
}

/**
 * The run's runtime and package versions against what this machine would run it with now:
 * for a Python run the same interpreter path when it still exists (else python3 on the PATH),
 * asked for its distributions; for a Node run this Node and the packages installed for the
 * reproduced code at `codeDirectory`.
 */
export async function packageDifferences(run: RunView, codeDirectory: string, env: NodeJS.ProcessEnv = process.env): Promise<PackageDifferences> {
  const recorded = run.environment;
  const then = recorded.packages ?? {};
  if (recorded.interpreter?.language === 'python') {
    const program = existsSync(recorded.interpreter.path) ? recorded.interpreter.path : 'python3';
    const python = await describePython(program, codeDirectory, env, new InterpreterCache(cacheDirectory(env)));
    if (python === undefined)
      return {
        here: program,
        differences: [`no Python interpreter answers here as ${program} (the run used python ${recorded.interpreter.version} at ${recorded.interpreter.path})`],
      };
    const differences: string[] = [];
    if (python.interpreter.version !== recorded.interpreter.version)
      differences.push(`python ${python.interpreter.version} here, ${recorded.interpreter.version} then`);
    differences.push(...summarized('package', versionDifferences(then, python.packages)));
    return { here: `python ${python.interpreter.version} at ${python.interpreter.path}`, differences };
  }
  const node = await new NodeEnvironment({ env }).describe(codeDirectory);
  const differences: string[] = [];
  if (recorded.runtime !== node.runtime) differences.push(`${node.runtime} here, ${recorded.runtime} then`);
  differences.push(...summarized('package', versionDifferences(then, node.packages ?? {})));
  return { here: node.runtime, differences };
}
