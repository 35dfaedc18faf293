import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository's Python client (python/, package `dotscience`). */
export const PYTHON_CLIENT = fileURLToPath(new URL('../../../../python/', import.meta.url));

/**
 * Debian's Python, where CI installs python3-pytest, jupyter-nbconvert, python3-ipykernel and
 * python3-sklearn (`python3` on a developer's PATH may be another one without them).
 * DOTSCIENCE_PYTHON overrides it.
 */
export const SYSTEM_PYTHON = process.env.DOTSCIENCE_PYTHON ?? '/usr/bin/python3';

/**
 * Why the tests that need `modules` in SYSTEM_PYTHON cannot run here, or undefined when they can.
 * With DOTSCIENCE_PYTHON_TESTS=required (CI) a missing module is a failure, not a skip.
 */
export function pythonMissing(modules: readonly string[]): string | undefined {
  let reason: string | undefined;
  if (!existsSync(SYSTEM_PYTHON)) reason = `${SYSTEM_PYTHON} is missing (apt-get install python3)`;
  else {
    const probe = spawnSync(SYSTEM_PYTHON, ['-c', `import ${['sys', ...modules].join(', ')}`], { encoding: 'utf8' });
    if (probe.status !== 0)
      reason = `${SYSTEM_PYTHON} cannot import ${modules.join(', ')} (${probe.stderr.trim().split('\n').pop()}); CI installs them: see .ci/run`;
  }
  if (reason !== undefined && process.env.DOTSCIENCE_PYTHON_TESTS === 'required') throw new Error(`DOTSCIENCE_PYTHON_TESTS=required but ${reason}`);
  return reason;
}
