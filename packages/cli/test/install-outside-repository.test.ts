import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The README's "Install outside this repository", as a user does it: the release tarballs
 * (pnpm pack:release) installed with npm into a temporary prefix and a temporary project
 * outside the clone, then `ds init`, an SDK script, and `ds runs --json`.
 */
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const MINUTES = 60_000;

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function succeed(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): string {
  const result = run(command, args, cwd, env);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.code}: ${result.stderr.slice(-2000)}`);
  return result.stdout;
}

describe('ds and the SDK installed outside the repository (npm pack tarballs)', () => {
  let root: string;
  let project: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'ds-install-'));
    const prefix = join(root, 'prefix');
    project = join(root, 'project');
    mkdirSync(project);
    // Nothing of the clone on the way: only the prefix's bin, node and npm on PATH; npm's cache in the temp dir.
    const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('DOTSCIENCE_') && !key.startsWith('npm_')));
    env = {
      ...cleanEnv,
      PATH: [join(prefix, 'bin'), dirname(process.execPath), process.env.PATH ?? ''].join(delimiter),
      npm_config_cache: join(root, 'npm-cache'),
    };
    const tarballs = succeed(process.execPath, [join(REPO, 'scripts/pack-release.mjs'), join(root, 'release')], root, env)
      .trim()
      .split('\n');
    const [cli, sdk] = tarballs as [string, string];
    expect(cli).toMatch(/dotscience-cli-.*\.tgz$/);
    expect(sdk).toMatch(/dotscience-sdk-.*\.tgz$/);
    // --offline: the tarballs carry everything; no registry is asked.
    succeed('npm', ['install', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', cli], root, env);
    writeFileSync(join(project, 'package.json'), '{ "name": "my-project", "private": true, "type": "module" }\n');
    succeed('npm', ['install', '--offline', '--no-audit', '--no-fund', sdk], project, env);
    succeed('git', ['init', '-q'], project, env);
    writeFileSync(join(project, '.gitignore'), 'node_modules/\n');
  }, 10 * MINUTES);

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it(
    'given the installed ds and SDK in a new project, when ds init runs and a script records a run, then ds runs --json lists it with its parameter and metric',
    () => {
      expect(succeed('ds', ['--version'], project, env).trim()).toMatch(/^\d+\.\d+\.\d+/);
      succeed('ds', ['init'], project, env);
      writeFileSync(
        join(project, 'train.mjs'),
        [
          "import * as ds from '@dotscience/sdk';",
          'ds.start();',
          "ds.parameter('depth', 3);",
          "ds.metric('loss', 0.25, 0);",
          "await ds.publish('installed outside the repository');",
          '',
        ].join('\n'),
      );
      succeed(process.execPath, ['train.mjs'], project, env);
      const runs = JSON.parse(succeed('ds', ['runs', '--json'], project, env)) as Array<{
        description?: string;
        parameters: Record<string, unknown>;
        workload: { script?: string };
      }>;
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ parameters: { depth: 3 }, workload: { script: 'train.mjs' } });
      expect(JSON.stringify(runs[0])).toContain('installed outside the repository');
    },
    5 * MINUTES,
  );
});
