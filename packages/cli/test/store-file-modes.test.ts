import { spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_ENTRY, dsJson } from './fixtures/cli-process.js';
import { SDK_ENTRY } from './run/ds-run-process.js';

/** `node <args>` under umask 000, the most permissive there is: whatever a store gets then, it gets under any umask. */
function nodeUnderOpenUmask(args: readonly string[], cwd: string): { code: number; stderr: string } {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith('DOTSCIENCE_')) env[key] = value;
  const result = spawnSync('sh', ['-c', 'umask 000 && exec "$0" "$@"', process.execPath, ...args], { cwd, env, encoding: 'utf8' });
  return { code: result.status ?? -1, stderr: result.stderr };
}

/** `ds <args>` under umask 000. */
const dsUnderOpenUmask = (args: readonly string[], cwd: string) => nodeUnderOpenUmask([CLI_ENTRY, ...args], cwd);

/** Entries whose mode is more open than the store's (directories 0700, files 0600 or 0400). */
const exposedEntries = (entries: ReturnType<typeof modesBelow>) =>
  entries.filter((e) => (e.kind === 'directory' ? e.mode !== '700' : e.mode !== '600' && e.mode !== '400'));

/** Every entry below `root` (itself included) with its permission bits in octal. */
function modesBelow(root: string, base = root): Array<{ path: string; kind: 'file' | 'directory'; mode: string }> {
  const stat = lstatSync(root);
  const here = {
    path: relative(base, root) || '.',
    kind: stat.isDirectory() ? ('directory' as const) : ('file' as const),
    mode: (stat.mode & 0o7777).toString(8),
  };
  if (!stat.isDirectory()) return [here];
  return [here, ...readdirSync(root).flatMap((name) => modesBelow(join(root, name), base))];
}

describe("the files of a store are its owner's alone", () => {
  const project = mkdtempSync(join(tmpdir(), 'ds-cli-file-modes-'));
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('given umask 000, when a store is created and written (init, run, a read that builds the read model), then its directories are 0700, its files 0600 and its data objects 0400', () => {
    for (const args of [['init'], ['run', '--', 'sh', '-c', 'echo recorded'], ['runs']]) {
      const result = dsUnderOpenUmask(args, project);
      expect(result.stderr).not.toMatch(/^ds: /m);
      expect(result.code).toBe(0);
    }
    const entries = modesBelow(join(project, '.dotscience'));
    const kinds = new Set(entries.map((e) => `${e.kind} ${e.path.split('/')[0]}`));
    // The store's parts are all there to be checked: config, log, data objects, the read model (no command writes projection checkpoints: D145).
    expect([...kinds]).toEqual(expect.arrayContaining(['file config.json', 'file events', 'file data', 'file read-model.sqlite', 'directory data']));
    expect(exposedEntries(entries)).toEqual([]);
    expect(entries.filter((e) => e.kind === 'file' && e.path.startsWith('data/') && e.mode === '400').length).toBeGreaterThan(0);
  });

  it("given umask 000, when an SDK script starts runs in a project with no store yet (one publishes, one exits before publishing), then the open-run notes, .dotscience/ and the rest are the owner's alone", () => {
    const fresh = mkdtempSync(join(tmpdir(), 'ds-sdk-file-modes-'));
    try {
      const sdk = JSON.stringify(pathToFileURL(SDK_ENTRY).href);
      writeFileSync(join(fresh, 'publish.mjs'), `import * as ds from ${sdk};\nds.start();\nds.parameter('depth', 1);\nawait ds.publish('published');\n`);
      writeFileSync(join(fresh, 'crash.mjs'), `import * as ds from ${sdk};\nds.start();\nds.parameter('depth', 2);\nprocess.exit(3);\n`);

      // when the first script creates the store (the open-run note's mkdir makes .dotscience/ itself) and publishes
      const published = nodeUnderOpenUmask(['publish.mjs'], fresh);
      expect(published.code, published.stderr).toBe(0);
      // and the second exits before publishing, leaving its note
      expect(nodeUnderOpenUmask(['crash.mjs'], fresh).code).toBe(3);
      const withNote = modesBelow(join(fresh, '.dotscience'));
      expect(withNote.filter((e) => e.path.startsWith('open-runs/') && e.path.endsWith('.json'))).toHaveLength(1);
      expect(withNote.map((e) => e.path)).toEqual(expect.arrayContaining(['.', 'open-runs', 'open-runs/.gitignore']));
      expect(exposedEntries(withNote)).toEqual([]);

      // then the next writer settles the note, and nothing it writes is exposed either
      const settling = dsUnderOpenUmask(['run', '--', 'true'], fresh);
      expect(settling.code, settling.stderr).toBe(0);
      const runs = dsJson<Array<{ description: string | null; status: string }>>(['runs'], { cwd: fresh });
      expect(runs.filter((r) => r.status === 'errored')).toHaveLength(1);
      expect(runs).toEqual(expect.arrayContaining([expect.objectContaining({ description: 'published', status: 'published' })]));
      const settled = modesBelow(join(fresh, '.dotscience'));
      expect(settled.filter((e) => e.path.startsWith('open-runs/') && e.path.endsWith('.json'))).toEqual([]);
      expect(exposedEntries(settled)).toEqual([]);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});
