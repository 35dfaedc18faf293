import { spawnSync } from 'node:child_process';

/** The Debian packages the demo's notebook needs (Python's own scikit-learn, pandas and Jupyter). */
export const NOTEBOOK_DEMO_PACKAGES = 'python3 jupyter-nbconvert python3-ipykernel python3-sklearn python3-pandas';
const MODULES = ['nbconvert', 'ipykernel', 'sklearn', 'pandas'];

/**
 * The Python that can execute the demo's notebook: `python3` on PATH, else Debian's
 * /usr/bin/python3 (a pyenv or venv python3 first on PATH often lacks Jupyter), the
 * first that imports nbconvert, ipykernel, sklearn and pandas. Otherwise why not.
 */
export function notebookPython(): { python: string } | { missing: string } {
  const reasons: string[] = [];
  for (const python of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(python, ['-c', `import ${MODULES.join(', ')}`], { encoding: 'utf8' });
    if (probe.error === undefined && probe.status === 0) return { python };
    reasons.push(
      probe.error
        ? `${python} is not installed`
        : `${python} cannot import ${
            probe.stderr
              .trim()
              .split('\n')
              .pop()
              ?.replace(/^ModuleNotFoundError: /, '') ?? MODULES.join(', ')
          }`,
    );
  }
  return { missing: `${reasons.join('; ')} — on Debian: apt-get install ${NOTEBOOK_DEMO_PACKAGES}` };
}
