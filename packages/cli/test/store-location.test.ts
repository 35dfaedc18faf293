import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ds } from './fixtures/cli-process.js';

describe('a configured store path that names no store', () => {
  const project = mkdtempSync(join(tmpdir(), 'ds-cli-store-location-'));
  afterAll(() => rmSync(project, { recursive: true, force: true }));
  mkdirSync(join(project, '.dotscience'));
  const configFile = join(project, '.dotscience', 'config.json');
  writeFileSync(configFile, JSON.stringify({ store: 'file:./.dotscinece' }));
  const mistyped = join(project, '.dotscinece');

  it('given a config file with a mistyped store path, when ds run starts, then it refuses in one line naming the path and the file, runs nothing and creates nothing', () => {
    const result = ds(['run', '--', 'node', '-e', "require('fs').writeFileSync('ran', '')"], { cwd: project });
    expect(result.stderr).toBe(
      `ds: no dotscience store at ${mistyped} — run ds init here, or correct "store" in ${configFile} (it names no store; ds init creates one) [STORE_NOT_FOUND]\n`,
    );
    expect(result.code).toBe(1);
    expect(existsSync(join(project, 'ran'))).toBe(false);
    expect(existsSync(mistyped)).toBe(false);
  });

  it('given DOTSCIENCE_STORE or --store naming no store, when a writing command runs, then it refuses the same way', () => {
    const gc = ds(['gc'], { cwd: project, env: { DOTSCIENCE_STORE: join(project, 'nowhere') } });
    expect(gc.stderr).toMatch(/^ds: no dotscience store at \S+nowhere — run ds init here, or correct DOTSCIENCE_STORE .*\[STORE_NOT_FOUND\]\n$/);
    expect(gc.code).toBe(1);
    const run = ds(['--store', `file:${join(project, 'nowhere')}`, 'run', '--', 'true'], { cwd: project });
    expect(run.stderr).toMatch(/^ds: no dotscience store at \S+nowhere — run ds init here, or correct --store .*\[STORE_NOT_FOUND\]\n$/);
    expect(run.code).toBe(1);
    expect(existsSync(join(project, 'nowhere'))).toBe(false);
  });

  it('given ds init, then the configured store is created and ds run records into it', () => {
    expect(ds(['init'], { cwd: project }).code).toBe(0);
    expect(existsSync(join(mistyped, 'events'))).toBe(true);
    expect(ds(['run', '--', 'true'], { cwd: project }).code).toBe(0);
  });
});
