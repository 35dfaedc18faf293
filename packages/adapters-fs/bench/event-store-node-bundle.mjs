// Bundle a TypeScript entry of this package into one plain ES module that Node 20 runs
// (Node 20 cannot strip types). Uses the vite that vitest already brings; workspace
// packages resolve through their `source` condition, so no stale dist/ is involved.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export async function bundleForNode(entry, outDir, fileName) {
  await mkdir(outDir, { recursive: true });
  const conditions = ['source', 'node', 'import', 'default'];
  const config = {
    configFile: false,
    logLevel: 'error',
    root: packageRoot,
    resolve: { conditions },
    // Native addons cannot be bundled; the KurrentDB client (gRPC + a native bridge) is only
    // imported when a kurrentdb:// store is configured, so it stays an external import.
    ssr: {
      noExternal: true,
      external: ['@kurrent/kurrentdb-client', '@kurrent/bridge'],
      target: 'node',
      resolve: { conditions, externalConditions: ['source'] },
    },
    build: {
      ssr: entry,
      outDir,
      emptyOutDir: false,
      minify: false,
      sourcemap: false,
      rollupOptions: { output: { format: 'es', entryFileNames: fileName } },
    },
  };
  const configFile = join(outDir, `${fileName}.vite.config.mjs`);
  await writeFile(configFile, `export default ${JSON.stringify(config)};\n`);
  await promisify(execFile)(process.execPath, [viteBin(), 'build', '--config', configFile], { cwd: packageRoot });
  return join(outDir, fileName);
}

function viteBin() {
  const require = createRequire(import.meta.url);
  const fromVitest = createRequire(require.resolve('vitest/package.json'));
  return join(dirname(fromVitest.resolve('vite/package.json')), 'bin', 'vite.js');
}
