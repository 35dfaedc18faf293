import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { restoredMode } from '@dotscience/core/store-kit';

/**
 * Clear setuid, setgid and sticky bits below `path` (the path itself included),
 * symlinks left alone: a copy taken out of a snapshot keeps the captured modes,
 * and a restored copy gets them only when asked (MaterializeOptions).
 */
export async function clearSpecialModes(path: string): Promise<void> {
  const stat = await fsp.lstat(path);
  if (stat.isSymbolicLink()) return;
  const mode = stat.mode & 0o7777;
  if (restoredMode(mode) !== mode) await fsp.chmod(path, restoredMode(mode));
  if (!stat.isDirectory()) return;
  for (const name of await fsp.readdir(path)) await clearSpecialModes(join(path, name));
}
