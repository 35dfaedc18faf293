import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

/** Project files larger than this are not read (a lockfile of a huge monorepo is still far below it). */
export const MAX_PROJECT_FILE_BYTES = 64 * 1024 * 1024;

/** The directories from `start` up to the file-system root, nearest first. */
export function ancestors(start: string): string[] {
  const dirs: string[] = [];
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    dirs.push(dir);
    if (dirname(dir) === dir) return dirs;
  }
}

/** The nearest `name` in `start` or one of its ancestors (never below, never beyond the root). */
export async function findUp(start: string, name: string): Promise<string | undefined> {
  for (const dir of ancestors(start)) {
    const candidate = join(dir, name);
    if ((await stat(candidate).catch(() => undefined))?.isFile()) return candidate;
  }
  return undefined;
}

/** A project file's text, or `undefined` when it is missing, unreadable or too large. */
export async function readProjectFile(path: string): Promise<string | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile() || info.size > MAX_PROJECT_FILE_BYTES) return undefined;
  return readFile(path, 'utf8').catch(() => undefined);
}

/** JSON.parse that answers `undefined` instead of throwing. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
