/**
 * FsDataStore speed. Run: `node packages/adapters-fs/bench/data-store-run.mjs [firstCaptureMiB] [smallFiles]`.
 * Prints numbers only; targets (issue 3): first capture ≥ 80% of `sha256sum` per core,
 * re-capture of 100k unchanged small files ≤ 1.5 s.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsDataStore } from '../src/data-store/index.js';

const totalMiB = Number(process.argv[2] ?? 1024);
const smallFiles = Number(process.argv[3] ?? 100_000);
const cores = availableParallelism();
const root = mkdtempSync(join(tmpdir(), 'ds-data-bench-'));
const mibps = (bytes: number, ms: number): string => `${((bytes / (1 << 20)) / (ms / 1000)).toFixed(0)} MiB/s`;

function timed<T>(run: () => T): [T, number] {
  const start = performance.now();
  const value = run();
  return [value, performance.now() - start];
}
async function timedAsync<T>(run: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await run();
  return [value, performance.now() - start];
}

/** `count` files of random bytes totalling `totalMiB`. */
function bigFiles(dir: string, count: number): string[] {
  mkdirSync(dir, { recursive: true });
  const size = Math.floor((totalMiB << 20) / count);
  const buffer = Buffer.allocUnsafe(size);
  return Array.from({ length: count }, (_, i) => {
    const path = join(dir, `shard-${i}.bin`);
    writeFileSync(path, randomFillSync(buffer));
    return path;
  });
}

function smallTree(dir: string, count: number): void {
  for (let d = 0; d < Math.ceil(count / 1000); d++) {
    const sub = join(dir, `part-${d}`);
    mkdirSync(sub, { recursive: true });
    for (let i = d * 1000; i < Math.min(count, (d + 1) * 1000); i++) writeFileSync(join(sub, `row-${i}.json`), `{"row":${i},"value":${Math.sin(i)}}\n`);
  }
}

async function firstCapture(files: string[], dir: string): Promise<void> {
  const bytes = totalMiB << 20;
  execFileSync('sha256sum', files, { stdio: 'ignore' }); // warm the page cache for both contenders
  const [, shaOne] = timed(() => execFileSync('sha256sum', files, { stdio: 'ignore' }));
  const [, shaAll] = timed(() =>
    spawnSync('sh', ['-c', `printf '%s\\n' "$@" | xargs -P ${cores} -n 1 sha256sum >/dev/null`, 'sh', ...files], { stdio: 'inherit' }),
  );
  const oneCore = new FsDataStore({ directory: join(root, 'store-one'), workers: 1, useWorkers: false });
  const [, fsOne] = await timedAsync(() => oneCore.capture(dir));
  const allCores = new FsDataStore({ directory: join(root, 'store-all'), useWorkers: true });
  const [, fsAll] = await timedAsync(() => allCores.capture(dir));
  await allCores.close();
  console.log(`first capture of ${files.length} files, ${totalMiB} MiB (hash + copy into the store + fsync):`);
  console.log(`  sha256sum   1 core : ${mibps(bytes, shaOne)}   ${cores} cores: ${mibps(bytes, shaAll)}`);
  console.log(`  FsDataStore 1 core : ${mibps(bytes, fsOne)}   ${cores} cores: ${mibps(bytes, fsAll)}`);
  console.log(`  ratio per core: ${(shaOne / fsOne).toFixed(2)}   total: ${(shaAll / fsAll).toFixed(2)}   (target ≥ 0.80)`);
}

async function recapture(dir: string): Promise<void> {
  const directory = join(root, 'store-small');
  const store = new FsDataStore({ directory });
  const [, first] = await timedAsync(() => store.capture(dir));
  await new Promise((r) => setTimeout(r, 200)); // past the racy-clean window
  await store.capture(dir); // files that were racily fresh are cached now
  const fresh = new FsDataStore({ directory }); // as a new process would: stat cache loaded from disk
  const [, again] = await timedAsync(() => fresh.capture(dir));
  const [, warm] = await timedAsync(() => fresh.capture(dir));
  await store.close();
  console.log(`${smallFiles} small files: first capture ${(first / 1000).toFixed(2)} s`);
  console.log(`  re-capture unchanged: ${(again / 1000).toFixed(2)} s (new store object), ${(warm / 1000).toFixed(2)} s (same object), files read: ${fresh.stats.filesRead}   (target ≤ 1.5 s)`);
}

try {
  console.log(`machine: ${cpus()[0]?.model ?? 'unknown cpu'}, ${cores} cores, node ${process.version}, ${process.platform}`);
  const dir = join(root, 'big');
  await firstCapture(bigFiles(dir, Math.max(8, cores * 2)), dir);
  const small = join(root, 'small');
  smallTree(small, smallFiles);
  await recapture(small);
} finally {
  rmSync(root, { recursive: true, force: true });
}
