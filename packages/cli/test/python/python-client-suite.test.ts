import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI_ENTRY } from '../fixtures/cli-process.js';
import { PYTHON_CLIENT, SYSTEM_PYTHON, pythonMissing } from './python-environment.js';

const missing = pythonMissing(['pytest']);

/**
 * The Python client's own pytest suite (python/tests: API surface, block format, bad input, hub
 * mode against a real `ds serve` of this build on loopback), run from `pnpm test` so CI runs it.
 */
describe.skipIf(missing !== undefined)(`the Python client's pytest suite${missing === undefined ? '' : ` (skipped: ${missing})`}`, () => {
  it('passes, hub tests included', () => {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith('DOTSCIENCE_')) env[key] = value;
    const result = spawnSync(SYSTEM_PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', '-rs', 'tests'], {
      cwd: PYTHON_CLIENT,
      env: { ...env, DOTSCIENCE_CLI: CLI_ENTRY, PYTHONDONTWRITEBYTECODE: '1' },
      encoding: 'utf8',
      timeout: 600_000,
    });
    const output = `${result.stdout}\n${result.stderr}`;
    expect(result.status, output).toBe(0);
    // Every test ran: a skipped hub (no built cli) is a failure here, where the build is there.
    expect(output, output).not.toMatch(/\bskipped\b/);
    expect(output).toMatch(/\d+ passed/);
  }, 600_000);
});
