import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { parseInput, type CheckpointStore, type JsonValue, type ProjectionCheckpoint } from '@dotscience/core';
import { writeFileAtomic } from '../event-store/atomic-file.js';
import { STORE_DIRECTORY_MODE } from '../store-file-modes.js';

const CheckpointSchema = z.object({
  name: z.string().min(1),
  version: z.number().int(),
  position: z.number().int().min(-1),
  hash: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits (sha256)')
    .optional(),
  state: z.unknown(),
});

/**
 * Projection checkpoints as one JSON file per projection name in a directory,
 * each replaced atomically (temp file, fsync, rename), so a crash leaves the old
 * checkpoint or the new one, never half of one.
 */
export class FsCheckpointStore implements CheckpointStore {
  constructor(readonly dir: string) {}

  async load(name: string): Promise<ProjectionCheckpoint | undefined> {
    let text: string;
    try {
      text = await readFile(this.fileOf(name), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return undefined; // unreadable: the projection rebuilds from the log, which is the truth
    }
    const result = CheckpointSchema.safeParse(parsed);
    if (!result.success || result.data.name !== name) return undefined;
    const { version, position, hash, state } = result.data;
    return { name, version, position, ...(hash === undefined ? {} : { hash }), state: state as JsonValue };
  }

  async save(checkpoint: ProjectionCheckpoint): Promise<void> {
    const { name, version, position, hash, state } = parseInput(CheckpointSchema, checkpoint, 'projection checkpoint');
    await mkdir(this.dir, { recursive: true, mode: STORE_DIRECTORY_MODE });
    await writeFileAtomic(this.fileOf(name), JSON.stringify({ name, version, position, hash, state }));
  }

  /** The checkpoint file of a projection name. */
  fileOf(name: string): string {
    return join(this.dir, checkpointFileName(name));
  }
}

/**
 * A file name safe on every file system for any projection name: readable
 * characters kept, the rest percent-encoded, cut to a sane length, plus a short
 * hash of the exact name so that names differing only in case or beyond the cut
 * never share a file.
 */
export function checkpointFileName(name: string): string {
  const readable = name.replace(/[^A-Za-z0-9_-]/g, (c) => `%${c.codePointAt(0)!.toString(16).padStart(2, '0')}`).slice(0, 96);
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 12);
  return `${readable}.${hash}.checkpoint.json`;
}
