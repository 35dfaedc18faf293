import { appendFileSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountTinyFilesystem, type TinyFilesystem } from '../../../faults/tiny-filesystem.js';
import { ds, dsJson } from './fixtures/cli-process.js';

/** Fill the file system to the last byte: one big file, then small appends until the device refuses. */
function fillCompletely(dir: string): string {
  const filler = join(dir, 'filler');
  const { bavail, bsize } = statfsSync(dir);
  writeFileSync(filler, Buffer.alloc(bavail * bsize));
  try {
    for (;;) appendFileSync(filler, Buffer.alloc(512));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
  return filler;
}

describe('ds on a full disk (a real size-limited file system)', () => {
  let fs: TinyFilesystem;
  let runId: string;
  beforeAll(() => {
    fs = mountTinyFilesystem(4 * 1024 * 1024);
    if (!fs.mounted) return;
    expect(ds(['init'], { cwd: fs.path }).code).toBe(0);
    expect(ds(['run', '--', 'true'], { cwd: fs.path }).code).toBe(0);
    [{ runId }] = dsJson<Array<{ runId: string }>>(['runs'], { cwd: fs.path }) as [{ runId: string }];
  }, 120_000);
  afterAll(() => {
    if (fs.mounted) fs.unmount();
  });

  it('given 0 bytes free, when ds run starts, then it fails in one line with DISK_FULL naming the writer lock, and leaves no lock file behind', (context) => {
    if (!fs.mounted) return context.skip(fs.reason);
    const filler = fillCompletely(fs.path);
    try {
      const result = ds(['run', '--', 'true'], { cwd: fs.path });
      expect(result.stderr).toMatch(/^ds: no space left on the device holding \S*writer\.lock: .* \[DISK_FULL\]\n$/);
      expect(result.code).toBe(1);
      expect(readdirSync(join(fs.path, '.dotscience/events')).filter((name) => name.startsWith('writer.lock'))).toEqual([]);
    } finally {
      rmSync(filler);
    }
  });

  it('given 0 bytes free and no projection checkpoints, when ds runs and ds show read, then they answer (the checkpoints they cannot write are skipped)', (context) => {
    if (!fs.mounted) return context.skip(fs.reason);
    rmSync(join(fs.path, '.dotscience/projections'), { recursive: true, force: true });
    const filler = fillCompletely(fs.path);
    try {
      const runs = ds(['runs', '--json'], { cwd: fs.path });
      expect(runs.stderr).toBe('');
      expect(runs.code).toBe(0);
      expect((JSON.parse(runs.stdout) as Array<{ runId: string }>).map((r) => r.runId)).toEqual([runId]);
      const show = ds(['show', runId, '--json'], { cwd: fs.path });
      expect(show.stderr).toBe('');
      expect(show.code).toBe(0);
      expect(JSON.parse(show.stdout)).toMatchObject({ runId, status: 'published' });
    } finally {
      rmSync(filler);
    }
    // Once space is back, the next run is recorded as usual.
    expect(ds(['run', '--', 'true'], { cwd: fs.path }).code).toBe(0);
    expect(dsJson<unknown[]>(['runs'], { cwd: fs.path })).toHaveLength(2);
  });
});
