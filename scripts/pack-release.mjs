// `pnpm pack:release [dir]`: npm tarballs a user installs outside this repository —
//   dotscience-cli-<version>.tgz  `ds` (npm install -g …), the bundle of packages/cli
//   dotscience-sdk-<version>.tgz  `import … from '@dotscience/sdk'` (npm install …), the bundle of packages/sdk
// Each holds its bundle (every workspace package and pure-JavaScript dependency inside) and a
// package.json of its own: no workspace: dependency is left for npm to resolve. The native
// packages a bundle imports are dependencies (better-sqlite3) or optional peers (the KurrentDB
// client, needed only for kurrentdb:// stores). Prints the tarballs' paths, one a line.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLES, NATIVE_DEPENDENCIES, buildBundles } from './bundle.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = (path) => JSON.parse(readFileSync(join(repo, path), 'utf8'));

/**
 * Native packages shipped inside the tarball, built as this workspace built them, with the
 * pure-JavaScript packages they load at run time: installing needs no compiler and no
 * download (prebuilt binaries cannot be fetched everywhere), on the platform and Node ABI
 * the tarball was packed on (linux x64, Node 20 here); elsewhere, `npm rebuild` rebuilds it.
 */
const BUNDLED_NATIVE = { 'better-sqlite3': ['bindings', 'file-uri-to-path'] };

/** Copy `name` (and what it loads) from the workspace's install into `stage`/node_modules, without install scripts. */
function stageNative(name, stage) {
  const fromSqlite = createRequire(join(repo, 'packages/adapters-sqlite/package.json'));
  const dir = dirname(fromSqlite.resolve(`${name}/package.json`));
  const copy = (from, to) => cpSync(from, to, { recursive: true, dereference: true });
  copy(dir, join(stage, 'node_modules', name));
  const own = createRequire(join(dir, 'package.json'));
  for (const runtime of BUNDLED_NATIVE[name]) {
    const runtimeDir = dirname(own.resolve(`${runtime}/package.json`));
    copy(runtimeDir, join(stage, 'node_modules', runtime));
  }
  const pkgPath = join(stage, 'node_modules', name, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
  delete pkg.scripts; // the binary is built: nothing to fetch or compile at install
  delete pkg.devDependencies;
  // Its JavaScript and the built binary only: a binding.gyp would make npm compile it again.
  pkg.files = ['lib/**', 'build/Release/better_sqlite3.node'];
  rmSync(join(stage, 'node_modules', name, 'binding.gyp'), { force: true });
  pkg.gypfile = false;
  pkg.dependencies = Object.fromEntries(BUNDLED_NATIVE[name].filter((d) => d === 'bindings').map((d) => [d, '*']));
  writeFileSync(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`);
  return [name, ...BUNDLED_NATIVE[name]];
}

/** Optional native packages: installed by the user only for the store that needs them. */
const OPTIONAL_NATIVE = new Set(['@kurrent/kurrentdb-client', '@kurrent/bridge']);

/** The version range the workspace declares for `name` (any package.json of it), or undefined. */
function declaredRange(name) {
  for (const path of ['package.json', ...readdirSync(join(repo, 'packages')).map((p) => `packages/${p}/package.json`)]) {
    let pkg;
    try {
      pkg = manifest(path);
    } catch {
      continue;
    }
    for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies', 'devDependencies']) if (pkg[field]?.[name]) return pkg[field][name];
  }
  return undefined;
}

/** The native packages the bundle in `dir` imports (they stay imports of the installed package). */
function nativeImports(dir) {
  const found = new Set();
  for (const file of readdirSync(dir).filter((f) => /\.[cm]js$/.test(f))) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const name of NATIVE_DEPENDENCIES)
      if (text.includes(`from "${name}"`) || text.includes(`import("${name}")`) || text.includes(`require("${name}")`)) found.add(name);
  }
  return [...found].filter((name) => name !== '@kurrent/bridge'); // the client brings its bridge
}

function packageJson(base, bundle, fields) {
  const natives = nativeImports(bundle.outDir);
  const required = natives.filter((n) => !OPTIONAL_NATIVE.has(n) && !(n in BUNDLED_NATIVE));
  const bundled = natives.filter((n) => n in BUNDLED_NATIVE).flatMap((n) => [n, ...BUNDLED_NATIVE[n]]);
  const optional = natives.filter((n) => OPTIONAL_NATIVE.has(n));
  const range = (name) => declaredRange(name) ?? '*';
  return {
    name: base.name,
    version: base.version,
    description: fields.description,
    type: 'module',
    engines: { node: '>=20' },
    ...fields.entry,
    files: ['bundle'],
    ...(required.length || bundled.length
      ? { dependencies: Object.fromEntries([...required.map((n) => [n, range(n)]), ...bundled.map((n) => [n, '*'])]) }
      : {}),
    ...(bundled.length ? { bundleDependencies: bundled } : {}),
    ...(optional.length
      ? {
          peerDependencies: Object.fromEntries(optional.map((n) => [n, range(n)])),
          peerDependenciesMeta: Object.fromEntries(optional.map((n) => [n, { optional: true }])),
        }
      : {}),
  };
}

/** Stage one bundle as an npm package and pack it into `outDir`; returns the tarball's path. */
function pack(bundle, base, fields, outDir, scratch) {
  const stage = join(scratch, bundle.name);
  mkdirSync(stage, { recursive: true });
  cpSync(bundle.outDir, join(stage, 'bundle'), { recursive: true });
  for (const name of nativeImports(bundle.outDir)) if (name in BUNDLED_NATIVE) stageNative(name, stage);
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(packageJson(base, bundle, fields), null, 2)}\n`);
  writeFileSync(
    join(stage, 'README.md'),
    `# ${base.name}\n\n${fields.description}\n\nBuilt by pnpm pack:release in the dotscience repository (its README: "Install outside this repository").\n`,
  );
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', outDir], { cwd: stage, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return join(outDir, JSON.parse(out)[0].filename);
}

export async function packRelease(outDir) {
  await buildBundles({ ifStale: true });
  mkdirSync(outDir, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'ds-pack-'));
  try {
    const [cli, sdk] = BUNDLES;
    return [
      pack(
        cli,
        manifest('packages/cli/package.json'),
        { description: 'dotscience: the ds command', entry: { bin: { ds: `./bundle/${cli.entry}` } } },
        outDir,
        scratch,
      ),
      pack(
        sdk,
        manifest('packages/sdk/package.json'),
        { description: 'dotscience: the SDK (annotate runs)', entry: { exports: { '.': `./bundle/${sdk.entry}` } } },
        outDir,
        scratch,
      ),
    ];
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const tarballs = await packRelease(resolve(process.argv[2] ?? join(repo, 'release')));
  console.log(tarballs.join('\n'));
}
