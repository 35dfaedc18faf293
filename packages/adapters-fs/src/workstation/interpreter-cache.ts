import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/** What an interpreter said about itself, and the paths whose change makes it stale. */
const CachedAnswerSchema = z.object({
  key: z.string(),
  interpreter: z.object({ path: z.string(), mtimeMs: z.number(), size: z.number() }),
  /** Directories of its import path with their modification time (null: absent): installing or removing a package changes one. */
  stamps: z.array(z.tuple([z.string(), z.number().nullable()])),
  answer: z.unknown(),
});

/** The directory interpreter answers are cached in: DOTSCIENCE_CACHE_DIR, else $XDG_CACHE_HOME/dotscience, else ~/.cache/dotscience. */
export function cacheDirectory(env: Readonly<Record<string, string | undefined>>): string {
  if (env['DOTSCIENCE_CACHE_DIR']) return env['DOTSCIENCE_CACHE_DIR'];
  return join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'dotscience');
}

const mtimeOf = (path: string): number | null => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
};

/**
 * Answers of interpreters (their version and installed packages) asked once and kept on disk,
 * by the interpreter's path, modification time and size, and the environment variables that
 * change its import path; an answer is stale once a directory of that import path changed
 * (pip install / uninstall touch site-packages). A cache that cannot be read or written is
 * simply not used.
 */
export class InterpreterCache {
  constructor(private readonly directory: string) {}

  private file(key: string): string {
    return join(this.directory, 'interpreters', `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`);
  }

  /** The cached answer for the interpreter at `path`, when it is still current. */
  get(path: string, key: string): unknown {
    try {
      const cached = CachedAnswerSchema.safeParse(JSON.parse(readFileSync(this.file(key), 'utf8')));
      if (!cached.success || cached.data.key !== key) return undefined;
      const info = statSync(path);
      if (info.mtimeMs !== cached.data.interpreter.mtimeMs || info.size !== cached.data.interpreter.size) return undefined;
      if (cached.data.stamps.some(([dir, mtime]) => mtimeOf(dir) !== mtime)) return undefined;
      return cached.data.answer;
    } catch {
      return undefined;
    }
  }

  put(path: string, key: string, importPath: readonly string[], answer: unknown): void {
    try {
      const info = statSync(path);
      const entry = { key, interpreter: { path, mtimeMs: info.mtimeMs, size: info.size }, stamps: importPath.map((dir) => [dir, mtimeOf(dir)]), answer };
      const file = this.file(key);
      mkdirSync(join(this.directory, 'interpreters'), { recursive: true });
      const partial = `${file}.${process.pid}.partial`;
      writeFileSync(partial, JSON.stringify(entry));
      renameSync(partial, file);
    } catch {
      // no cache: the next run asks the interpreter again
    }
  }
}
