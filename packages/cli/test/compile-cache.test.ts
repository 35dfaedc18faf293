import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  compileCacheDirectory,
  defaultCompileCacheRoot,
  installCompileCache,
  KEPT_FILES,
  UNCACHED_CHUNK_MARK,
  type CompileCache,
} from '../src/launch/compile-cache.js';

let scratch: string;
let installed: CompileCache[];

beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'ds-compile-cache-'));
  installed = [];
});

afterEach(() => {
  for (const cache of installed) cache.uninstall();
  rmSync(scratch, { recursive: true, force: true });
});

/** A directory of CommonJS chunks, each file given as name → text. */
function chunks(name: string, files: Record<string, string>): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

/** Load `file` from `dir` with the cache installed (kept in `root`), save it and uninstall: what one `ds` process does. */
function load(dir: string, file: string, root: string): { exports: unknown; cache: CompileCache } {
  const cache = installCompileCache(dir, root);
  installed.push(cache);
  const exports = createRequire(join(dir, 'entry.js'))(join(dir, file)) as unknown;
  cache.save();
  cache.uninstall();
  return { exports, cache };
}

const cacheFiles = (root: string): string[] => readdirSync(compileCacheDirectory(root)).sort();

describe('the bundled ds compiles its chunks through a V8 code cache', () => {
  it('given chunks loaded once, when the same texts are loaded by another process, then V8 takes the kept code and they run the same', () => {
    const root = join(scratch, 'cache');
    const text = {
      'main.cjs': `const part = require('./part.cjs');\nmodule.exports = { answer: part.value * 2, name: __filename.endsWith('main.cjs') };\n`,
      'part.cjs': 'exports.value = 21;\n',
    };
    const first = load(chunks('first', text), 'main.cjs', root);
    expect(first.exports).toEqual({ answer: 42, name: true });
    expect(first.cache.compiled.map((c) => c.cache)).toEqual(['absent', 'absent']);
    expect(cacheFiles(root)).toHaveLength(2);
    expect(statSync(compileCacheDirectory(root)).mode & 0o777).toBe(0o700);

    const second = load(chunks('second', text), 'main.cjs', root);
    expect(second.exports).toEqual({ answer: 42, name: true });
    expect(second.cache.compiled.map((c) => c.cache)).toEqual(['used', 'used']);
  });

  it('given code kept for one text, when another text of the same length and name is loaded, then it runs its own code, not the kept one', () => {
    const root = join(scratch, 'cache');
    expect(load(chunks('a', { 'same.cjs': 'module.exports = 1;\n' }), 'same.cjs', root).exports).toBe(1);
    const other = load(chunks('b', { 'same.cjs': 'module.exports = 2;\n' }), 'same.cjs', root);
    expect(other.exports).toBe(2);
    expect(other.cache.compiled.map((c) => c.cache)).toEqual(['absent']);
    expect(cacheFiles(root)).toHaveLength(2);
  });

  it('given a damaged cache file, when the chunk is loaded, then V8 refuses it, the chunk runs from its text and the file is made again', () => {
    const root = join(scratch, 'cache');
    const dir = chunks('c', { 'x.cjs': 'module.exports = "from text";\n' });
    load(dir, 'x.cjs', root);
    const [file] = cacheFiles(root);
    writeFileSync(join(compileCacheDirectory(root), file!), Buffer.alloc(512, 7));
    const again = load(chunks('d', { 'x.cjs': 'module.exports = "from text";\n' }), 'x.cjs', root);
    expect(again.exports).toBe('from text');
    expect(again.cache.compiled.map((c) => c.cache)).toEqual(['rejected']);
    expect(load(chunks('e', { 'x.cjs': 'module.exports = "from text";\n' }), 'x.cjs', root).cache.compiled.map((c) => c.cache)).toEqual(['used']);
  });

  it('given a cache directory others may write to, then nothing in it is read or written', () => {
    const root = join(scratch, 'shared');
    mkdirSync(compileCacheDirectory(root), { recursive: true });
    chmodSync(compileCacheDirectory(root), 0o777);
    const loaded = load(chunks('f', { 'y.cjs': 'module.exports = 3;\n' }), 'y.cjs', root);
    expect(loaded.exports).toBe(3);
    expect(loaded.cache.compiled).toEqual([]);
    expect(cacheFiles(root)).toEqual([]);
  });

  it('given a cache root that cannot be made (a file stands there), then the chunks load and nothing is thrown', () => {
    const root = join(scratch, 'not-a-directory');
    writeFileSync(root, 'a file');
    expect(load(chunks('g', { 'z.cjs': 'module.exports = 4;\n' }), 'z.cjs', root).exports).toBe(4);
  });

  it('given a chunk starting with #!, then it runs as Node runs it', () => {
    const root = join(scratch, 'cache');
    const text = { 'bin.cjs': '#!/usr/bin/env node\nmodule.exports = "bin";\n' };
    expect(load(chunks('h1', text), 'bin.cjs', root).exports).toBe('bin');
    const again = load(chunks('h2', text), 'bin.cjs', root);
    expect(again.exports).toBe('bin');
    expect(again.cache.compiled.map((c) => c.cache)).toEqual(['used']);
  });

  it('given a chunk the bundle marked for holding an import(), then Node compiles it, and its import() works every time', async () => {
    const root = join(scratch, 'cache');
    const text = {
      'loads.cjs': `module.exports = () => import("./esm.mjs");\n${UNCACHED_CHUNK_MARK}\n//# sourceMappingURL=loads.cjs.map\n`,
      'esm.mjs': 'export const kind = "es module";\n',
    };
    for (const name of ['k1', 'k2']) {
      const { exports, cache } = load(chunks(name, text), 'loads.cjs', root);
      expect(cache.compiled).toEqual([]);
      await expect((exports as () => Promise<{ kind: string }>)()).resolves.toMatchObject({ kind: 'es module' });
    }
  });

  it('given files outside the bundle directory or not .cjs, then Node compiles them as usual', () => {
    const root = join(scratch, 'cache');
    const dir = chunks('i', { 'plain.js': 'module.exports = 5;\n' });
    const loaded = load(dir, 'plain.js', root);
    expect(loaded.exports).toBe(5);
    expect(loaded.cache.compiled).toEqual([]);
  });

  it(`given a directory grown past ${KEPT_FILES} files by earlier builds, then a save keeps only what this process used`, () => {
    const root = join(scratch, 'cache');
    const directory = compileCacheDirectory(root);
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    for (let i = 0; i <= KEPT_FILES; i++) writeFileSync(join(directory, `old-${i}.cjs-0.v8`), 'stale');
    load(chunks('j', { 'new.cjs': 'module.exports = 6;\n' }), 'new.cjs', root);
    expect(cacheFiles(root)).toEqual([expect.stringMatching(/^new\.cjs-[0-9a-f]{32}\.v8$/)]);
  });
});

describe('where ds keeps its code cache', () => {
  it('given no setting, then under XDG_CACHE_HOME, else under ~/.cache', () => {
    expect(defaultCompileCacheRoot({ XDG_CACHE_HOME: '/x/cache' }, '/home/u')).toBe('/x/cache/dotscience/compile-cache');
    expect(defaultCompileCacheRoot({}, '/home/u')).toBe('/home/u/.cache/dotscience/compile-cache');
  });

  it('given DOTSCIENCE_COMPILE_CACHE, then that directory, and none for "off"', () => {
    expect(defaultCompileCacheRoot({ DOTSCIENCE_COMPILE_CACHE: '/elsewhere' }, '/home/u')).toBe('/elsewhere');
    expect(defaultCompileCacheRoot({ DOTSCIENCE_COMPILE_CACHE: 'off' }, '/home/u')).toBeUndefined();
    expect(defaultCompileCacheRoot({}, '')).toBeUndefined();
  });
});
