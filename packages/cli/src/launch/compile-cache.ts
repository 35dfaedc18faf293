import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

/**
 * A V8 code cache for the bundled `ds` (D177). Node 20 keeps no compile cache for modules
 * (`module.enableCompileCache` came with Node 22), and compiling the ~1 MB a read command loads
 * is a sixth of its start. The bundle's CommonJS chunks are compiled here with the code V8 made
 * for them the last time, and the code of each chunk compiled without it is kept when the process
 * exits (after running, so the functions it compiled lazily are in it too).
 *
 * A cache file is named by the SHA-256 of its chunk's text, not by the chunk's name: V8 checks a
 * cache only against its source's length, so code made for another text of the same length must
 * never be found. It lives in a directory per Node version, architecture and V8 version, created
 * 0700; a file is written whole to a temporary name and renamed, so a concurrent `ds` reads either
 * none or a complete one, and V8 rejects one made by another build of V8 or with other flags
 * (the chunk is then compiled from its text, as without a cache). A directory another user owns, or
 * that others may write to, is not read at all: code planted there would run as `ds`. Every build of `ds` has chunks of
 * other texts, so a directory that grows past `KEPT_FILES` is emptied but for what this process used.
 */

/**
 * The line `pnpm bundle` ends a chunk with when it holds an `import()` (scripts/bundle.mjs): V8 loses a
 * script's dynamic import callback when its code comes from a cache (Node 20), so Node compiles that chunk.
 */
export const UNCACHED_CHUNK_MARK = '// ds-compile-cache: off';

/** Cache files a directory holds before it is emptied (a build's chunks are a few dozen, ~4 MB). */
export const KEPT_FILES = 400;

/** What happened to one chunk's compile. */
export interface CompiledChunk {
  readonly file: string;
  /** `used`: V8 took the cached code; `absent`: none was kept; `rejected`: V8 refused what was kept. */
  readonly cache: 'used' | 'absent' | 'rejected';
}

export interface CompileCache {
  /** The chunks compiled since install, in order. */
  readonly compiled: readonly CompiledChunk[];
  /** Keep the code of the chunks compiled without a usable cache (what the exit hook does). */
  save(): void;
  /** Compile as Node does again and drop the exit hook (tests). */
  uninstall(): void;
}

/** Where the cache of this Node lives under `root`. */
export function compileCacheDirectory(root: string): string {
  return join(root, `node-${process.version}-${process.arch}-v8-${process.versions.v8}`);
}

/** The cache directory `ds` uses: `$DOTSCIENCE_COMPILE_CACHE`, `off` for none; by default under the user's cache home. */
export function defaultCompileCacheRoot(env: NodeJS.ProcessEnv, home: string): string | undefined {
  const chosen = env['DOTSCIENCE_COMPILE_CACHE'];
  if (chosen === 'off') return undefined;
  if (chosen) return chosen;
  const cacheHome = env['XDG_CACHE_HOME'] || (home ? join(home, '.cache') : undefined);
  return cacheHome ? join(cacheHome, 'dotscience', 'compile-cache') : undefined;
}

/** The parts of Node's CommonJS loader this hooks (not in its typings). */
interface LoaderModule {
  exports: unknown;
  require(id: string): unknown;
  _compile(content: string, filename: string): unknown;
}
const loaderPrototype = (Module as unknown as { prototype: LoaderModule }).prototype;
const wrap = (Module as unknown as { wrap(content: string): string }).wrap;

/** True when only this user could have written the cache files in `directory` (or it does not exist yet). */
function ownedByThisUser(directory: string): boolean {
  try {
    const { uid, mode } = statSync(directory);
    return (process.getuid === undefined || uid === process.getuid()) && (mode & 0o022) === 0;
  } catch {
    return true; // made 0700 by the first save
  }
}

/**
 * Compile the `.cjs` files directly in `code` through a code cache kept in `root` (see above).
 * Any failure to read or keep a cache only costs the cache: the chunk is compiled from its text.
 */
export function installCompileCache(code: string, root: string): CompileCache {
  const directory = compileCacheDirectory(root);
  if (!ownedByThisUser(directory)) return { compiled: [], save: () => {}, uninstall: () => {} };
  const compiled: CompiledChunk[] = [];
  const toKeep: { script: Script; path: string }[] = [];
  const used = new Set<string>();
  const original = loaderPrototype._compile;

  loaderPrototype._compile = function compileWithCache(this: LoaderModule, content: string, filename: string) {
    const ours = dirname(filename) === code && filename.endsWith('.cjs');
    if (!ours || content.includes(UNCACHED_CHUNK_MARK, Math.max(0, content.length - 512))) return original.call(this, content, filename);
    const path = join(directory, `${basename(filename)}-${createHash('sha256').update(content).digest('hex').slice(0, 32)}.v8`);
    let cachedData: Buffer | undefined;
    try {
      cachedData = readFileSync(path);
    } catch {
      cachedData = undefined;
    }
    // A `#!` line is valid only at the start of a file, not inside the wrapper: kept as a comment, so lines do not move.
    const script = new Script(wrap(content.startsWith('#!') ? `//${content.slice(2)}` : content), {
      filename,
      ...(cachedData ? { cachedData } : {}),
    });
    const cache = !cachedData ? 'absent' : script.cachedDataRejected ? 'rejected' : 'used';
    compiled.push({ file: filename, cache });
    if (cache === 'used') used.add(path);
    else toKeep.push({ script, path });
    const run = script.runInThisContext() as (...args: unknown[]) => unknown;
    // What Node's own loader gives a module: require bound to it, with resolve, cache, main and extensions.
    const nodeRequire = createRequire(filename);
    const require = Object.assign((id: string) => this.require(id), {
      resolve: nodeRequire.resolve,
      cache: nodeRequire.cache,
      main: nodeRequire.main,
      extensions: nodeRequire.extensions,
    });
    return run.call(this.exports, this.exports, require, this, filename, dirname(filename));
  };

  const save = (): void => {
    if (toKeep.length === 0) return;
    try {
      mkdirSync(directory, { recursive: true, mode: 0o700 });
      for (const { script, path } of toKeep.splice(0)) {
        const temporary = `${path}.${process.pid}.tmp`;
        writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
        renameSync(temporary, path);
        used.add(path);
      }
      const files = readdirSync(directory);
      if (files.length > KEPT_FILES) for (const file of files) if (!used.has(join(directory, file))) rmSync(join(directory, file), { force: true });
    } catch {
      // A cache that cannot be kept (read-only home, full disk) costs the next start its compile, nothing else.
    }
  };
  process.once('exit', save);
  return {
    compiled,
    save,
    uninstall: () => {
      loaderPrototype._compile = original;
      process.removeListener('exit', save);
    },
  };
}
