// Run the data-store benchmark: `node packages/adapters-fs/bench/data-store-run.mjs [firstCaptureMiB] [smallFiles]`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForNode } from './event-store-node-bundle.mjs';

const out = mkdtempSync(join(tmpdir(), 'ds-bench-'));
const bench = dirname(fileURLToPath(import.meta.url));
const script = await bundleForNode(join(bench, 'data-store.bench.ts'), out, 'data-store.bench.mjs');
const { status } = spawnSync(process.execPath, [script, ...process.argv.slice(2)], { stdio: 'inherit' });
rmSync(out, { recursive: true, force: true }); // the bundle
process.exit(status ?? 1);
