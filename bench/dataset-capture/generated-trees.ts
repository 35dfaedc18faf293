/**
 * The trees every tool in the dataset-capture comparison captures: generated from a
 * fixed seed (identical bytes on every machine and run), sizes set by `pnpm bench`.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { seededByteSource } from '../../packages/core/bench/seeded-data.js';

export interface TreeSpec {
  /** Stable key part (`big`, `medium`, `small`). */
  id: string;
  files: number;
  bytesPerFile: number;
}

export const describeTree = (t: TreeSpec): string =>
  t.files === 1 ? `one ${formatBytes(t.bytesPerFile)} file` : `${t.files.toLocaleString('en-US')} × ${formatBytes(t.bytesPerFile)} files`;

export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30 && bytes % 2 ** 30 === 0) return `${bytes / 2 ** 30} GiB`;
  if (bytes >= 2 ** 20) return `${+(bytes / 2 ** 20).toFixed(1)} MiB`;
  return `${+(bytes / 1024).toFixed(1)} KiB`;
}

/** Write `spec`'s files under `dir` (1,000 per sub-directory, as data sets are usually laid out). */
export function generateTree(dir: string, spec: TreeSpec): void {
  const bytes = seededByteSource(`dataset-capture ${spec.id}`);
  for (let i = 0; i < spec.files; i++) {
    const sub = join(dir, `part-${Math.floor(i / 1000)}`);
    if (i % 1000 === 0) mkdirSync(sub, { recursive: true });
    const fd = openSync(join(sub, `file-${i}.bin`), 'w');
    try {
      for (let left = spec.bytesPerFile; left > 0; left -= CHUNK) writeSync(fd, bytes(Math.min(CHUNK, left)));
    } finally {
      closeSync(fd);
    }
  }
}

const CHUNK = 16 << 20;
