import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const packageRoot = resolve(here, '../..');

/**
 * Node 20 cannot run TypeScript, so the child script is bundled once per test
 * file with the vite that vitest already depends on (sources resolved through
 * the workspace's `source` condition, so no stale dist/ is involved) into one
 * plain ES module that `node` starts in well under a second.
 */
export async function bundleStoreChild(): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'ds-store-child-'));
  const config = join(outDir, 'vite.config.mjs');
  await writeFile(
    config,
    `export default ${JSON.stringify({
      configFile: false,
      logLevel: 'error',
      root: packageRoot,
      resolve: { conditions: ['source', 'node', 'import', 'default'] },
      ssr: { noExternal: true, target: 'node', resolve: { conditions: ['source', 'node', 'import', 'default'], externalConditions: ['source'] } },
      build: {
        ssr: join(here, 'store-child.ts'),
        outDir,
        emptyOutDir: false,
        minify: false,
        sourcemap: false,
        rollupOptions: { output: { format: 'es', entryFileNames: 'store-child.mjs' } },
      },
    })};\n`,
  );
  await promisify(execFile)(process.execPath, [viteBin(), 'build', '--config', config], { cwd: packageRoot });
  return join(outDir, 'store-child.mjs');
}

function viteBin(): string {
  const fromVitest = createRequire(createRequire(import.meta.url).resolve('vitest/package.json'));
  return join(dirname(fromVitest.resolve('vite/package.json')), 'bin', 'vite.js');
}

export function startChild(bundle: string, args: string[]): ChildProcess & { lines: string[]; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [bundle, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!; // a line cut by a kill has no newline: it never counts
    lines.push(...parts);
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolveExit) =>
    child.on('close', (code) => {
      if (code !== 0 && code !== null && stderr) process.stderr.write(stderr);
      resolveExit(code);
    }),
  );
  return Object.assign(child, { lines, exited });
}
