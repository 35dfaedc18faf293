import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { DiskFullError, isDiskFull } from './event-store-errors.js';
import { STORE_FILE_MODE } from '../store-file-modes.js';

/** A file given in parts is written this many bytes at a time, each synced before the next. */
const SYNCED_SLICE = 1024 * 1024;

/**
 * Replace `path` atomically: write a temp file, fsync it, rename it over `path`,
 * fsync the directory. On a full disk: DiskFullError, and `path` is unchanged.
 * Data given as parts (a big file: an index snapshot) is written and synced a MiB
 * at a time, so that it never puts more than that in front of another file's
 * fdatasync (one journal on ext4: the log's commits would wait for all of it).
 */
export async function writeFileAtomic(path: string, data: Buffer | string | readonly Buffer[], mode = STORE_FILE_MODE): Promise<void> {
  try {
    await replaceFile(path, data, mode);
  } catch (error) {
    throw isDiskFull(error) ? new DiskFullError(path, `${basename(path)} was not replaced`) : error;
  }
}

async function replaceFile(path: string, data: Buffer | string | readonly Buffer[], mode: number): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  const fh = await open(tmp, 'w', mode);
  try {
    if (typeof data === 'string' || Buffer.isBuffer(data)) await fh.writeFile(data);
    else await writeInSyncedSlices(fh, data);
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

async function writeInSyncedSlices(fh: FileHandle, parts: readonly Buffer[]): Promise<void> {
  let unsynced = 0;
  for (const part of parts)
    for (let at = 0; at < part.length;) {
      const { bytesWritten } = await fh.write(part, at, Math.min(part.length - at, SYNCED_SLICE - unsynced));
      at += bytesWritten;
      unsynced += bytesWritten;
      if (unsynced >= SYNCED_SLICE) {
        await fh.datasync();
        unsynced = 0;
      }
    }
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
