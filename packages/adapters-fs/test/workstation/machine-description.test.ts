import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeMachine } from '../../src/workstation/machine-description.js';

/** A directory holding an `nvidia-smi` that names one GPU and counts its calls in `calls`. */
function fakeNvidiaSmi(): { dir: string; calls: () => number } {
  const dir = mkdtempSync(join(tmpdir(), 'ds-fake-smi-'));
  const counter = join(dir, 'calls');
  writeFileSync(counter, '');
  writeFileSync(join(dir, 'nvidia-smi'), `#!/bin/sh\necho x >> '${counter}'\necho 'NVIDIA A100-SXM4-40GB, 40960 MiB'\n`);
  chmodSync(join(dir, 'nvidia-smi'), 0o755);
  return {
    dir,
    calls: () =>
      readFileSync(counter, 'utf8')
        .split('\n')
        .filter((l) => l !== '').length,
  };
}

describe('describeMachine (real processes)', () => {
  it('given nvidia-smi on the PATH, when the machine is described twice in a process, then both name its GPU and nvidia-smi ran once', async () => {
    const smi = fakeNvidiaSmi();
    const env = { PATH: `${smi.dir}:/usr/bin:/bin` };
    const first = await describeMachine(env);
    const second = await describeMachine(env);
    expect(first).toEqual({ cpu: expect.any(String), cores: cpus().length, memoryBytes: expect.any(Number), gpus: ['NVIDIA A100-SXM4-40GB, 40960 MiB'] });
    expect(second).toEqual(first);
    expect(smi.calls()).toBe(1);
    // each caller gets its own copy
    first.gpus!.push('changed by a caller');
    expect((await describeMachine(env)).gpus).toEqual(['NVIDIA A100-SXM4-40GB, 40960 MiB']);
  });

  it('given another PATH without nvidia-smi, when the machine is described, then it names no GPU', async () => {
    const smi = fakeNvidiaSmi();
    expect((await describeMachine({ PATH: `${smi.dir}:/usr/bin:/bin` })).gpus).toHaveLength(1);
    const without = await describeMachine({ PATH: mkdtempSync(join(tmpdir(), 'ds-empty-path-')) });
    expect(without.gpus).toBeUndefined();
    expect(without.cores).toBe(cpus().length);
  });
});
