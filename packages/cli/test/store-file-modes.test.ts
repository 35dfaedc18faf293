import { spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_ENTRY } from './fixtures/cli-process.js';

/** `ds <args>` under umask 000, the most permissive there is: whatever a store gets then, it gets under any umask. */
function dsUnderOpenUmask(args: readonly string[], cwd: string): { code: number; stderr: string } {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith('DOTSCIENCE_')) env[key] = value;
  const result = spawnSync('sh', ['-c', 'umask 000 && exec "$0" "$@"', process.execPath, CLI_ENTRY, ...args], { cwd, env, encoding: 'utf8' });
  return { code: result.status ?? -1, stderr: result.stderr };
}

/** Every entry below `root` (itself included) with its permission bits in octal. */
function modesBelow(root: string, base = root): Array<{ path: string; kind: 'file' | 'directory'; mode: string }> {
  const stat = lstatSync(root);
  const here = { path: relative(base, root) || '.', kind: stat.isDirectory() ? ('directory' as const) : ('file' as const), mode: (stat.mode & 0o7777).toString(8) };
  if (!stat.isDirectory()) return [here];
  return [here, ...readdirSync(root).flatMap((name) => modesBelow(join(root, name), base))];
}

describe('the files of a store are its owner\'s alone', () => {
  const project = mkdtempSync(join(tmpdir(), 'ds-cli-file-modes-'));
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('given umask 000, when a store is created and written (init, run, a read that checkpoints), then its directories are 0700, its files 0600 and its data objects 0400', () => {
    for (const args of [['init'], ['run', '--', 'sh', '-c', 'echo recorded'], ['runs']]) {
      const result = dsUnderOpenUmask(args, project);
      expect(result.stderr).not.toMatch(/^ds: /m);
      expect(result.code).toBe(0);
    }
    const entries = modesBelow(join(project, '.dotscience'));
    const kinds = new Set(entries.map((e) => `${e.kind} ${e.path.split('/')[0]}`));
    // The store's parts are all there to be checked: config, log, data objects, checkpoints.
    expect([...kinds]).toEqual(expect.arrayContaining(['file config.json', 'file events', 'file data', 'file projections', 'directory data']));
    const exposed = entries.filter((e) => (e.kind === 'directory' ? e.mode !== '700' : e.mode !== '600' && e.mode !== '400'));
    expect(exposed).toEqual([]);
    expect(entries.filter((e) => e.kind === 'file' && e.path.startsWith('data/') && e.mode === '400').length).toBeGreaterThan(0);
  });
});
