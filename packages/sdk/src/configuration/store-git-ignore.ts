import { mkdir, writeFile } from 'node:fs/promises';
import { STORE_DIRECTORY_MODE, STORE_FILE_MODE } from '@dotscience/adapters-fs';
import { join } from 'node:path';

/**
 * What a local store directory tells git: nothing in it is source code (not even
 * this file, so opening a store never makes a clean tree dirty). To share the
 * project settings, commit them on purpose: `git add -f .dotscience/config.json`.
 */
export const STORE_GITIGNORE = [
  '# dotscience store: the event log, data objects and projection caches are not source code.',
  '# To share the project settings: git add -f .dotscience/config.json',
  '*',
  '',
].join('\n');

/**
 * Make git ignore a local store directory (`.dotscience/`, or a data directory
 * inside the repository): otherwise every run would look dirty and the store's
 * own files would end up in the recorded uncommitted change. An existing
 * `.gitignore` there is left as the user wrote it.
 */
export async function ensureGitIgnoresStore(directory: string): Promise<void> {
  await mkdir(directory, { recursive: true, mode: STORE_DIRECTORY_MODE });
  try {
    await writeFile(join(directory, '.gitignore'), STORE_GITIGNORE, { flag: 'wx', mode: STORE_FILE_MODE });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}
