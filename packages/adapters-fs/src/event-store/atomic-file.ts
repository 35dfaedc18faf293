import { open, rename, unlink } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { DiskFullError, isDiskFull } from './event-store-errors.js';
import { STORE_FILE_MODE } from '../store-file-modes.js';

/**
 * Replace `path` atomically: write a temp file, fsync it, rename it over `path`,
 * fsync the directory. On a full disk: DiskFullError, and `path` is unchanged.
 */
export async function writeFileAtomic(path: string, data: Buffer | string, mode = STORE_FILE_MODE): Promise<void> {
  try {
    await replaceFile(path, data, mode);
  } catch (error) {
    throw isDiskFull(error) ? new DiskFullError(path, `${basename(path)} was not replaced`) : error;
  }
}

async function replaceFile(path: string, data: Buffer | string, mode: number): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  const fh = await open(tmp, 'w', mode);
  try {
    await fh.writeFile(data);
    await fh.datasync();
  } catch (err) {
    await fh.close();
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await syncDirectory(dirname(path));
}

/** fsync a directory so that a created, renamed or removed entry is durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
