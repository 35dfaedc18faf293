/**
 * ZfsDataStore capture scaling. Run as root on a pool:
 * `node packages/adapters-zfs/bench/capture-scaling-run.mjs <parent dataset> [MiB ...]` (default 1 200).
 * For each size: the ZFS capture time (snapshot + metadata walk; expected flat in the
 * size), the fs store's first capture of the same data beside it, and materialize by
 * clone vs a plain copy. Each figure: one warm-up run, then 5 timed runs, median and spread.
 */
import { randomBytes, randomFillSync } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VersionRef } from '@dotscience/core';
import { machineLine, summarise } from '../../core/bench/measurement.js';
import { FsDataStore } from '../../adapters-fs/src/data-store/index.js';
import { ZfsCommands, ZfsDatasets, ZfsDataStore } from '../src/index.js';

const BENCH = 'adapters-zfs: capture scaling';
const parent = process.argv[2] ?? process.env.DOTSCIENCE_ZFS_TEST_DATASET;
if (!parent) throw new Error('name the parent dataset: capture-scaling-run.mjs <pool/dataset> [MiB ...]');
const sizes = process.argv.length > 3 ? process.argv.slice(3).map(Number) : [1, 200];
const FILES = 8;
const RUNS = 6; // the first is the warm-up

const zfs = (...args: string[]): string => execFileSync('zfs', args, { encoding: 'utf8' });
const scratch = mkdtempSync(join(tmpdir(), 'ds-zfs-bench-'));

async function timesMs(fn: (run: number) => Promise<void>): Promise<number[]> {
  const values: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    await fn(run);
    if (run > 0) values.push(performance.now() - start);
  }
  return values;
}

async function benchSize(mib: number): Promise<void> {
  const dataset = `${parent}/bench-${randomBytes(4).toString('hex')}`;
  zfs('create', dataset);
  const mountpoint = zfs('get', '-H', '-o', 'value', 'mountpoint', dataset).trim();
  try {
    const buffer = Buffer.allocUnsafe(Math.floor((mib * 1024 * 1024) / FILES)); // not mib << 20: that overflows 32 bits at 4096
    for (let i = 0; i < FILES; i++) writeFileSync(join(mountpoint, `shard-${i}.bin`), randomFillSync(buffer));
    const store = new ZfsDataStore({ dataset });
    const refs: VersionRef[] = [];
    const capture = await timesMs(async () => void refs.push(await store.capture(mountpoint, { label: 'bench' })));
    summarise(BENCH, `ZFS capture, ${mib} MiB in ${FILES} files`, 'ms', capture);

    const fsCapture = await timesMs(async (run) => {
      const fs = new FsDataStore({ directory: join(scratch, `fs-${mib}-${run}`), useWorkers: false, workers: 1 });
      await fs.capture(mountpoint);
      await fs.close();
      rmSync(join(scratch, `fs-${mib}-${run}`), { recursive: true, force: true });
    });
    summarise(BENCH, `fs store first capture, ${mib} MiB (same data)`, 'ms', fsCapture);

    const clone = await timesMs((run) => store.materialize(refs[0]!, join(scratch, `clone-${mib}-${run}`)));
    summarise(BENCH, `materialize by clone, ${mib} MiB`, 'ms', clone);
    const copy = await timesMs((run) => cp(mountpoint, join(scratch, `copy-${mib}-${run}`), { recursive: true }));
    summarise(BENCH, `plain copy (cp -r), ${mib} MiB`, 'ms', copy);
  } finally {
    // With its clones (mounted in the scratch directory); retried while FUSE keeps them busy.
    await new ZfsDatasets(new ZfsCommands()).destroy(dataset, { withClones: true });
  }
}

try {
  console.log(machineLine());
  mkdirSync(scratch, { recursive: true });
  for (const mib of sizes) await benchSize(mib);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
