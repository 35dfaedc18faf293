import { promises as fsp, type ReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ObjectDigestMismatchError } from './data-store-errors.js';
import type { ObjectStore } from './object-store.js';
import { STORE_DIRECTORY_MODE, STORE_OBJECT_MODE } from '../store-file-modes.js';

/**
 * Object-level access for replication (a hub receiving uploads, push/pull):
 * one content-addressed object at a time, streamed, never buffered whole.
 */

/** The object's bytes as a stream, or undefined when the store lacks it. */
export async function openObject(objects: ObjectStore, hex: string): Promise<{ size: number; stream: ReadStream } | undefined> {
  const path = objects.pathOf(hex);
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const { size } = await handle.stat();
  return { size, stream: handle.createReadStream() };
}

/**
 * Stream `content` into the object `hex`: written to a temp file while hashed,
 * published by rename only when its sha256 is `hex` (else ObjectDigestMismatchError
 * and nothing is kept). Returns false when the object was already there.
 */
export async function receiveObject(objects: ObjectStore, hex: string, content: AsyncIterable<Uint8Array>): Promise<boolean> {
  if (await objects.has(hex)) {
    for await (const _ of content); // drain, so the sender is not left waiting
    return false;
  }
  const temp = objects.tempPath();
  const handle = await fsp.open(temp, 'wx', STORE_OBJECT_MODE);
  const hash = createHash('sha256');
  try {
    try {
      for await (const chunk of content) {
        hash.update(chunk);
        await handle.write(chunk);
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    const actual = hash.digest('hex');
    if (actual !== hex) throw new ObjectDigestMismatchError(`sha256:${hex}`, `sha256:${actual}`);
    await fsp.mkdir(join(objects.objectsDir, hex.slice(0, 2)), { recursive: true, mode: STORE_DIRECTORY_MODE });
    await fsp.rename(temp, objects.pathOf(hex));
    return true;
  } catch (error) {
    await fsp.rm(temp, { force: true });
    throw error;
  }
}
