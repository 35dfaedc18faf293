import { execFile } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { promisify } from 'node:util';
import type { EnvironmentInfo } from '@dotscience/core';
import { executableOnPath } from './executable-path.js';

const run = promisify(execFile);

type Machine = NonNullable<EnvironmentInfo['machine']>;

/** The GPUs nvidia-smi names (`NVIDIA A100-SXM4-40GB, 40960 MiB`), or undefined where it is not installed or does not answer. */
async function nvidiaGpus(env: Readonly<Record<string, string | undefined>>): Promise<string[] | undefined> {
  const smi = executableOnPath('nvidia-smi', env);
  if (smi === undefined) return undefined;
  try {
    const { stdout } = await run(smi, ['--query-gpu=name,memory.total', '--format=csv,noheader'], { timeout: 10_000 });
    const gpus = stdout
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '');
    return gpus.length > 0 ? gpus : undefined;
  } catch {
    return undefined;
  }
}

/** The machine as described in this process, by the PATH it looked for nvidia-smi on. */
const described = new Map<string, Promise<Machine>>();

/**
 * The hardware of this machine: CPU model, core count, memory, and GPUs when nvidia-smi is on
 * the PATH. Without nvidia-smi nothing is spawned (the common case costs a few system calls).
 * Described once per process and PATH: a sweep's runs all run on the hardware its process
 * started on (a GPU added meanwhile is seen by the next process).
 */
export function describeMachine(env: Readonly<Record<string, string | undefined>>): Promise<Machine> {
  const path = env['PATH'] ?? '';
  let machine = described.get(path);
  if (machine === undefined) {
    machine = (async () => {
      const cores = cpus();
      const gpus = await nvidiaGpus(env);
      return { cpu: cores[0]?.model.trim() ?? 'unknown', cores: cores.length, memoryBytes: totalmem(), ...(gpus === undefined ? {} : { gpus }) };
    })();
    if (described.size >= 16) described.clear();
    described.set(path, machine);
  }
  // Each run gets its own copy: what one caller does with it is not another's record.
  return machine.then((m) => ({ ...m, ...(m.gpus === undefined ? {} : { gpus: [...m.gpus] }) }));
}
