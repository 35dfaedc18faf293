import { execFile } from 'node:child_process';
import { basename } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import type { EnvironmentInfo } from '@dotscience/core';
import { executableOnPath } from './executable-path.js';
import { InterpreterCache } from './interpreter-cache.js';
import { normalizePythonName } from './python-requirements.js';

const run = promisify(execFile);

/** A program name that is a Python interpreter: python, python3, python3.11. */
export const isPythonProgram = (program: string): boolean => /^python(\d+(\.\d+)*)?$/.test(basename(program));

/** Asks the interpreter for its executable, version, import path and installed distributions (first on the path wins). */
const QUESTION = [
  'import sys, json',
  'from importlib import metadata',
  'packages = {}',
  'for d in metadata.distributions():',
  '    try:',
  '        name = d.metadata["Name"]',
  '    except Exception:',
  '        continue',
  '    if name and name not in packages:',
  '        packages[name] = d.version',
  'print(json.dumps({"executable": sys.executable, "version": sys.version.split()[0], "path": sys.path, "packages": packages}))',
].join('\n');

const AnswerSchema = z.object({
  executable: z.string(),
  version: z.string().min(1),
  path: z.array(z.string()),
  packages: z.record(z.string(), z.string()),
});
type Answer = z.infer<typeof AnswerSchema>;

/** Variables that change what an interpreter imports: part of the cache key. */
const IMPORT_VARIABLES = ['PYTHONPATH', 'PYTHONHOME', 'PYTHONNOUSERSITE', 'PYTHONUSERBASE', 'VIRTUAL_ENV'];

export interface PythonDescription {
  runtime: string;
  interpreter: NonNullable<EnvironmentInfo['interpreter']>;
  packages: Record<string, string>;
}

/**
 * The Python that `program` names (resolved on the PATH of `env`, as the workload's process
 * resolves it), described by asking it: version and `importlib.metadata` distributions
 * (names PEP 503-normalised). Asked once per interpreter and import path, then cached.
 * Undefined when there is no such interpreter or it does not answer.
 */
export async function describePython(
  program: string,
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
  cache: InterpreterCache,
): Promise<PythonDescription | undefined> {
  const path = executableOnPath(program, env, cwd);
  if (path === undefined) return undefined;
  const key = [path, ...IMPORT_VARIABLES.map((name) => `${name}=${env[name] ?? ''}`)].join('\n');
  let answer = AnswerSchema.safeParse(cache.get(path, key)).data as Answer | undefined;
  if (answer === undefined) {
    try {
      const { stdout } = await run(path, ['-c', QUESTION], { cwd, env: { ...env }, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
      answer = AnswerSchema.parse(JSON.parse(stdout));
    } catch {
      return undefined;
    }
    // The script's own directory (sys.path[0] is '' under -c) is not where packages come from.
    cache.put(
      path,
      key,
      answer.path.filter((dir) => dir !== ''),
      answer,
    );
  }
  const packages: Record<string, string> = {};
  for (const name of Object.keys(answer.packages).sort()) packages[normalizePythonName(name)] ??= answer.packages[name]!;
  return { runtime: `python ${answer.version}`, interpreter: { language: 'python', path: answer.executable || path, version: answer.version }, packages };
}
