import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ds } from './fixtures/cli-process.js';

describe('a store the configuration names that cannot be reached', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'ds-unreachable-'));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('KurrentDB: exit 3 and one line naming the URL and what to check, not "unexpected error" (exit 70)', () => {
    const result = ds(['--store', 'kurrentdb://127.0.0.1:1?tls=false', 'runs'], { cwd });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^ds: cannot reach KurrentDB at kurrentdb:\/\/127\.0\.0\.1:1\?tls=false — check the URL .*\[KURRENTDB_UNREACHABLE\]\n$/);
  });

  it('a hub: exit 3 and one line naming the URL', () => {
    const result = ds(['--store', 'http://127.0.0.1:1', 'runs'], { cwd, env: { DOTSCIENCE_TOKEN: 'not-checked' } });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^ds: cannot reach the hub at http:\/\/127\.0\.0\.1:1: .*\[HUB_UNREACHABLE\]\n$/);
  });
});
