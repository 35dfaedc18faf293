import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type TinyFilesystem = { mounted: true; path: string; kind: string; bytes: number; unmount: () => void } | { mounted: false; reason: string };

const run = (command: string, args: string[]): void => void execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
const why = (err: unknown): string => String((err as { stderr?: Buffer }).stderr?.toString().trim() || (err as Error).message).split('\n')[0]!;

/**
 * A small file system the disk can fill on: a size-limited tmpfs (needs root), else a
 * loop-mounted ext4 image. `mounted: false` carries why neither could be mounted.
 */
export function mountTinyFilesystem(bytes: number): TinyFilesystem {
  const base = mkdtempSync(join(tmpdir(), 'ds-fault-tinyfs-'));
  const path = join(base, 'mnt');
  run('mkdir', [path]);
  const cleanup = (): void => {
    try {
      run('umount', ['-l', path]); // lazy: a test that failed may still hold a file open
    } catch {
      // not mounted
    }
    rmSync(base, { recursive: true, force: true });
  };
  const reasons: string[] = [];
  try {
    run('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', path]);
    return { mounted: true, path, kind: `tmpfs (size=${bytes})`, bytes, unmount: cleanup };
  } catch (err) {
    reasons.push(`tmpfs: ${why(err)}`);
  }
  try {
    const image = join(base, 'disk.img');
    run('truncate', ['-s', String(Math.max(bytes, 2 * 1024 * 1024)), image]);
    run('mkfs.ext4', ['-q', '-F', image]);
    run('mount', ['-o', 'loop', image, path]);
    return { mounted: true, path, kind: 'loop-mounted ext4 image', bytes, unmount: cleanup };
  } catch (err) {
    reasons.push(`loop ext4: ${why(err)}`);
  }
  cleanup();
  return { mounted: false, reason: `no small file system could be mounted here (${reasons.join('; ')}); run as root on a machine that allows mount` };
}
