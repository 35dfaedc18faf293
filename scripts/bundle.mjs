// `pnpm bundle`: the published forms of ds and of the SDK, each one entry (with the chunks
// it loads on demand) built from the TypeScript sources with rolldown, with source maps.
// ds is CommonJS, so that its launcher can compile its chunks through a V8 code cache (D177);
// the SDK is ES modules, what `import` expects. Every dependency is inside except Node's built-ins and the native ones
// (better-sqlite3, the KurrentDB client and its bridge), which stay imports of the
// installed package and are only reached when a command or a store needs them.
//   packages/cli/bundle/ds.cjs      `ds` (what the CLI tests, the benches and `npm pack` use)
//   packages/sdk/bundle/index.mjs   `import … from '@dotscience/sdk'` outside the workspace
// `node scripts/bundle.mjs [--if-stale]`: --if-stale rebuilds only when a source file,
// a package.json or this script is newer than the bundles (the test setup uses it).
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';
import { parseAst } from 'rolldown/parseAst';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Packages installed beside the bundle (native code: they cannot be inlined). */
export const NATIVE_DEPENDENCIES = ['better-sqlite3', '@kurrent/kurrentdb-client', '@kurrent/bridge'];

/** What each bundle is built from and where it goes. */
export const BUNDLES = [
  {
    name: 'ds',
    // The launcher (ds.cjs) installs the code cache, then requires the program (ds-main.cjs).
    input: { ds: join(repo, 'packages/cli/src/launch/ds.ts'), 'ds-main': join(repo, 'packages/cli/src/main.ts') },
    format: 'cjs',
    outDir: join(repo, 'packages/cli/bundle'),
    entry: 'ds.cjs',
  },
  {
    name: 'sdk',
    input: { index: join(repo, 'packages/sdk/src/index.ts') },
    format: 'es',
    outDir: join(repo, 'packages/sdk/bundle'),
    entry: 'index.mjs',
  },
];

/** The entry file of the `ds` bundle. */
export const DS_BUNDLE = join(BUNDLES[0].outDir, BUNDLES[0].entry);

const rxjsModules = join(dirname(createRequire(join(repo, 'packages/core/package.json')).resolve('rxjs/package.json')), 'dist/esm/index.js');
const isNative = (id) => NATIVE_DEPENDENCIES.some((name) => id === name || id.startsWith(`${name}/`));

/**
 * The line that ends a ds chunk holding an `import()`: V8 loses a script's dynamic import callback when its
 * code comes from a code cache (Node 20), so the launcher has Node compile such a chunk (D177). Spelled as in
 * packages/cli/src/launch/compile-cache.ts.
 */
export const UNCACHED_CHUNK_MARK = '// ds-compile-cache: off';

/** True when the program `code` holds an `import()` expression (comments and strings do not count). */
function holdsDynamicImport(code) {
  if (!code.includes('import(')) return false;
  const pending = [parseAst(code, { lang: 'js', sourceType: 'script' })];
  while (pending.length) {
    const node = pending.pop();
    if (node.type === 'ImportExpression') return true;
    for (const value of Object.values(node))
      if (Array.isArray(value)) pending.push(...value.filter((v) => v && typeof v.type === 'string'));
      else if (value && typeof value.type === 'string') pending.push(value);
  }
  return false;
}

/** Marks the chunks the code cache must not compile (appended, so the source maps' lines stay). */
const markUncachedChunks = {
  name: 'ds-uncached-chunks',
  renderChunk: (code) => (holdsDynamicImport(code) ? { code: `${code}\n${UNCACHED_CHUNK_MARK}\n`, map: null } : null),
};

async function build({ input, format, outDir }) {
  rmSync(outDir, { recursive: true, force: true });
  const bundle = await rolldown({
    input,
    platform: 'node',
    // Workspace packages resolve to their TypeScript sources (the `source` condition), as in the tests. rxjs's
    // `node` condition names its CommonJS build, which cannot be tree-shaken (330 kB in every command): its ES build instead.
    resolve: { conditionNames: ['source', 'import', 'default'], alias: { rxjs: rxjsModules } },
    external: (id) => id.startsWith('node:') || isNative(id),
    plugins: format === 'cjs' ? [markUncachedChunks] : [],
    logLevel: 'warn',
  });
  try {
    // Chunks, not one file: a command parses only the code it runs (one file of every command costs `ds --version` tens of ms of parsing).
    const extension = format === 'cjs' ? 'cjs' : 'mjs';
    await bundle.write({ dir: outDir, format, sourcemap: true, entryFileNames: `[name].${extension}`, chunkFileNames: `[name]-[hash].${extension}` });
  } finally {
    await bundle.close();
  }
}

/** The newest modification time under `dir` (src trees and package.json files), 0 when none. */
function newestUnder(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name === 'bundle') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestUnder(path));
    else if (/\.(ts|mts|js|mjs|json)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** True when a bundle is missing or older than a source it is built from. */
export function bundlesAreStale() {
  const built = BUNDLES.map(({ outDir, entry }) => join(outDir, entry));
  if (!built.every((file) => existsSync(file))) return true;
  const oldest = Math.min(...built.map((file) => statSync(file).mtimeMs));
  const sources = readdirSync(join(repo, 'packages'))
    .filter((p) => p !== 'web')
    .map((p) => join(repo, 'packages', p));
  const newest = Math.max(statSync(fileURLToPath(import.meta.url)).mtimeMs, ...sources.map(newestUnder));
  return newest > oldest;
}

/** Build every bundle (or only stale ones with `ifStale`); returns whether it built. */
export async function buildBundles({ ifStale = false } = {}) {
  if (ifStale && !bundlesAreStale()) return false;
  for (const bundle of BUNDLES) await build(bundle);
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const built = await buildBundles({ ifStale: process.argv.includes('--if-stale') });
  console.log(
    built
      ? `bundled ${BUNDLES.map((b) => b.name).join(' and ')} in ${((performance.now() - started) / 1000).toFixed(1)} s (${BUNDLES.map((b) => join(b.outDir, b.entry).slice(repo.length + 1)).join(', ')})`
      : 'bundles are up to date',
  );
}
